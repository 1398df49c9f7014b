import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DataPlaneBackend, DataPlaneConfig, DataPlaneFrontend } from '../core/load-balancer.js';
import { conditionTests, renderHaproxyConfig, statusRanges, type SlotTable } from './haproxy-config.js';
import { assignSlots, commonSlots, emptySlots, MIN_SLOTS, slotChanges } from './slots.js';

const paths = { adminSocket: '/tmp/wharf-test/admin.sock', serverStateFile: '/tmp/wharf-test/state' };
const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;

const backend = (id: string, targets: DataPlaneBackend['targets'] = []): DataPlaneBackend => ({
  id,
  mode: 'http',
  tls: false,
  algorithm: 'roundrobin',
  healthCheck: { protocol: 'HTTP', path: '/health', matcher: '200-299', intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 },
  slowStartSeconds: 0,
  targets,
});

const frontend = (rules: DataPlaneFrontend['rules']): DataPlaneFrontend => ({ id: 'l1', address: '127.0.0.1', port: 18080, mode: 'http', certificates: [], rules, idleTimeoutSeconds: 60 });

const render = (config: DataPlaneConfig, slots: SlotTable = assignSlots(new Map(), config.backends)) =>
  renderHaproxyConfig({ config, slots, paths, certificateFile: () => '/tmp/cert.pem' });

/** HAProxy itself says whether the text is a valid configuration. */
function haproxyAccepts(text: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-haproxy-'));
  writeFileSync(join(dir, 'haproxy.cfg'), text);
  execFileSync('haproxy', ['-c', '-q', '-f', join(dir, 'haproxy.cfg')], { stdio: 'pipe' });
}

const target = (key: string, port: number, draining = false) => ({ key, address: '127.0.0.1', port, draining });

describe('renderHaproxyConfig', () => {
  const config: DataPlaneConfig = {
    frontends: [
      frontend([
        { conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/v?/x'] } }], action: { type: 'forward', targetGroups: [{ backendId: 'a', weight: 1 }] } },
        {
          conditions: [
            { Field: 'host-header', Values: ['*.example.com'] },
            { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['GET', 'HEAD'] } },
          ],
          action: { type: 'forward', targetGroups: [{ backendId: 'a', weight: 30 }, { backendId: 'b', weight: 70 }] },
        },
        { conditions: [{ Field: 'path-pattern', Values: ['/old'] }], action: { type: 'redirect', protocol: '#{protocol}', host: '#{host}', port: '#{port}', path: '/new/#{path}', query: '#{query}', statusCode: 301 } },
        { conditions: [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '1*' }, { Value: "it's" }] } }], action: { type: 'fixed-response', statusCode: 418, contentType: 'text/plain', messageBody: 'a "teapot" costs $5\n' } },
        { conditions: [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8', '127.0.0.1/32'] } }, { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['blue'] } }], action: { type: 'forward', targetGroups: [{ backendId: 'b', weight: 1 }] } },
        { conditions: [], action: { type: 'fixed-response', statusCode: 404 } },
      ]),
    ],
    backends: [backend('a', [target('i-1:8080', 8080)]), backend('b', [target('10.0.0.1:80', 80, true)])],
  };
  const text = render(config);

  it('evaluates rules in priority order through one rule number, then guards every action with it', () => {
    assert.ok(text.includes(String.raw`acl r0c0 path -m reg "^/api/.*\$" "^/v./x\$"`));
    assert.match(text, /http-request set-var\(txn.rule\) int\(1\) if !\{ var\(txn.rule\) -m found \} r1c0 r1c1\n/);
    assert.match(text, /http-request set-var\(txn.rule\) int\(5\) if !\{ var\(txn.rule\) -m found \}\n/);
    assert.match(text, /use_backend tg_a if \{ var\(txn.rule\) -m int eq 0 \}/);
  });

  it('draws once per request for a weighted forward', () => {
    assert.match(text, /set-var\(txn.weight\) rand\(100\) if \{ var\(txn.rule\) -m int eq 1 \}/);
    assert.match(text, /use_backend tg_a if \{ var\(txn.rule\) -m int eq 1 \} \{ var\(txn.weight\) -m int lt 30 \}/);
    assert.match(text, /use_backend tg_b if \{ var\(txn.rule\) -m int eq 1 \}\n/);
  });

  it('ORs the values of a condition as declarations of one ACL', () => {
    assert.equal(text.match(/acl r3c0 /g)?.length, 2);
    assert.ok(text.includes(String.raw`acl r3c0 query -m reg -i "(^|&)v=1[^&]*(&|\$)"`));
  });

  it('writes redirects with ELBv2 placeholders and fixed responses', () => {
    assert.match(text, /redirect location "http:\/\/%\[req.hdr\(host\),field\(1,:\)\]:18080\/new\/%\[path,regsub\(\^\/,\)\]\?%\[query\]" code 301/);
    assert.match(text, /http-request return status 418 content-type "text\/plain" string "a \\"teapot\\" costs \\\$5\\x0a"/);
  });

  it('gives each backend free slots, draining targets no weight', () => {
    assert.equal(text.match(/server t\d+ 0\.0\.0\.0:0 disabled/g)?.length, 2 * MIN_SLOTS - 2);
    assert.match(text, /server t1 127\.0\.0\.1:8080\n/);
    assert.match(text, /server t1 127\.0\.0\.1:80 weight 0/);
    assert.match(text, /default-server check inter 5s fastinter 1s downinter 1s fall 2 rise 2/);
    assert.match(text, /http-check expect status 200-299\n/);
  });

  it('is a configuration HAProxy accepts', { skip: !hasHaproxy && 'haproxy is not installed' }, () => haproxyAccepts(text));

  it("refuses connections from sources the load balancer's security groups do not let in", { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
    const guarded = (allowedSources: string[]) => render({ frontends: [{ ...frontend([{ conditions: [], action: { type: 'fixed-response', statusCode: 200 } }]), allowedSources }], backends: [] });
    const open = guarded(['0.0.0.0/0', '10.1.2.3/32']);
    assert.match(open, /\n {2}tcp-request connection reject unless \{ src 0\.0\.0\.0\/0 10\.1\.2\.3\/32 \}\n/);
    haproxyAccepts(open);
    assert.match(guarded([]), /\n {2}tcp-request connection reject\n/);
    assert.throws(() => guarded(['0.0.0.0/0 } || { always_true']), /not an IPv4 CIDR block/);
  });

  it('renders NLB listeners in TCP mode with a default backend, stickiness and TLS', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
    const tcp: DataPlaneConfig = {
      frontends: [{ id: 'n1', address: '127.0.0.1', port: 19000, mode: 'tcp', certificates: [], rules: [{ conditions: [], action: { type: 'forward', targetGroups: [{ backendId: 'c', weight: 1 }] } }], idleTimeoutSeconds: 350 }],
      backends: [{ ...backend('c', [target('i-1:9000', 9000)]), mode: 'tcp', healthCheck: { ...backend('c').healthCheck!, protocol: 'TCP' }, stickiness: { type: 'source_ip' } }],
    };
    const out = render(tcp);
    assert.match(out, /mode tcp\n {2}bind 127\.0\.0\.1:19000\n/);
    assert.match(out, /default_backend tg_c/);
    assert.match(out, /stick on src/);
    assert.doesNotMatch(out, /httpchk/);
    haproxyAccepts(out);
  });

  it('splits an NLB listener between weighted target groups once per connection, and refuses connections when no group has weight', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
    const tcpBackend = (id: string): DataPlaneBackend => ({ ...backend(id, [target(`i-${id}:9000`, 9000)]), mode: 'tcp', healthCheck: { ...backend(id).healthCheck!, protocol: 'TCP' } });
    const weighted = (weights: [string, number][]): DataPlaneConfig => ({
      frontends: [{ id: 'n1', address: '127.0.0.1', port: 19000, mode: 'tcp', certificates: [], rules: [{ conditions: [], action: { type: 'forward', targetGroups: weights.map(([backendId, weight]) => ({ backendId, weight })) } }], idleTimeoutSeconds: 350 }],
      backends: [tcpBackend('blue'), tcpBackend('green')],
    });
    const split = render(weighted([['blue', 90], ['green', 10]]));
    assert.match(split, /\n {2}tcp-request content set-var\(txn.weight\) rand\(100\)\n {2}use_backend tg_blue if \{ var\(txn.weight\) -m int lt 90 \}\n {2}use_backend tg_green\n/);
    haproxyAccepts(split);
    const whole = render(weighted([['blue', 0], ['green', 100]]));
    assert.match(whole, /default_backend tg_green/);
    assert.doesNotMatch(whole, /txn.weight|use_backend/);
    const none = render(weighted([['blue', 0], ['green', 0]]));
    assert.match(none, /\n {2}tcp-request content reject\n/);
    haproxyAccepts(none);
  });
});

describe('conditionTests and statusMatcher', () => {
  it('matches hosts without their port, case-insensitively', () => {
    assert.deepEqual(conditionTests({ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }), [String.raw`req.hdr(host),field(1,:) -m reg -i "^api\\.example\\.com\$"`]);
  });
  it('reads single codes, lists and ranges, merged into ranges however many parts there are', () => {
    assert.equal(statusRanges('200'), '200');
    assert.equal(statusRanges('200,302'), '200,302');
    assert.equal(statusRanges('200-202,201-205,404'), '200-205,404');
    assert.equal(statusRanges(Array.from({ length: 100_000 }, () => '200-299').join(',')), '200-299');
  });
  it('keeps every value one word, whatever it holds', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
    const hostile = 'x"\n\nfrontend evil\n  bind :2375 ; $HOME %[src] #';
    const injected: DataPlaneConfig = {
      frontends: [
        frontend([
          {
            conditions: [
              { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: "X-It's", Values: [hostile] } },
              { Field: 'query-string', QueryStringConfig: { Values: [{ Key: hostile, Value: hostile }] } },
              { Field: 'path-pattern', Values: [hostile] },
            ],
            action: { type: 'fixed-response', statusCode: 200, contentType: hostile, messageBody: hostile },
          },
          { conditions: [], action: { type: 'redirect', protocol: 'HTTPS', host: hostile, port: '#{port}', path: `/${hostile}`, query: hostile, statusCode: 302 } },
        ]),
      ],
      backends: [{ ...backend('a'), healthCheck: { ...backend('a').healthCheck!, path: `/${hostile}` } }],
    };
    const out = render(injected);
    assert.doesNotMatch(out, /^frontend evil/m);
    haproxyAccepts(out);
  });
  it('refuses what no quoting can carry', () => {
    assert.throws(() => conditionTests({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-A(b)', Values: ['v'] } }), /not an HTTP header name/);
    assert.throws(() => render({ frontends: [], backends: [backend('a', [target('k', 80)].map((t) => ({ ...t, address: '10.0.0.1 check\nfrontend x' })))] }), /not an IPv4 address/);
  });
});

describe('slots', () => {
  it('keeps targets in their slots, fills free ones, and grows by doubling', () => {
    const first = assignSlots(new Map(), [backend('a', [target('x', 1), target('y', 2)])]);
    assert.deepEqual(first.get('a')!.slice(0, 2).map((t) => t?.key), ['x', 'y']);
    const second = assignSlots(first, [backend('a', [target('y', 2), target('z', 3)])]);
    assert.deepEqual(second.get('a')!.slice(0, 2).map((t) => t?.key), ['z', 'y']);
    assert.deepEqual(slotChanges(first, second).map((c) => [c.slot, c.before?.key, c.after?.key]), [[0, 'x', 'z']]);
    const many = Array.from({ length: MIN_SLOTS + 1 }, (_, i) => target(`t${i}`, i + 1));
    assert.equal(assignSlots(second, [backend('a', many)]).get('a')!.length, MIN_SLOTS * 2);
  });

  it('keeps in common only targets at the same place, and empties for the structure', () => {
    const a = assignSlots(new Map(), [backend('a', [target('x', 1), target('y', 2)])]);
    const b = assignSlots(a, [backend('a', [target('x', 1), target('y', 2, true)])]);
    assert.deepEqual(commonSlots(b, a).get('a')!.slice(0, 2).map((t) => t?.key), ['x', 'y']);
    assert.ok(emptySlots(b).get('a')!.every((t) => t === undefined));
  });
});
