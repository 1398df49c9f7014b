// The HAProxy adapter against a real HAProxy and real HTTP backends on loopback.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataPlaneBackend, DataPlaneConfig } from '../core/load-balancer.js';
import type { Logger } from '../core/ports.js';
import { HaproxyDataPlane } from './haproxy-data-plane.js';

const hasHaproxy = spawnSync('haproxy', ['-v']).status === 0;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function backendServer(name: string, status = () => 200): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => res.writeHead(req.url === '/health' ? status() : 200).end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('HaproxyDataPlane', { skip: !hasHaproxy && 'haproxy is not installed' }, () => {
  let plane: HaproxyDataPlane;
  let listenerPort: number;
  let otherPort: number;
  const servers: Server[] = [];
  let a: { server: Server; port: number };
  let b: { server: Server; port: number };
  let bHealthy = true;

  const group = (ports: number[], draining: number[] = []): DataPlaneBackend => ({
    id: 'tg1',
    mode: 'http',
    tls: false,
    algorithm: 'roundrobin',
    healthCheck: { protocol: 'HTTP', path: '/health', matcher: '200', intervalSeconds: 1, timeoutSeconds: 1, healthyThreshold: 2, unhealthyThreshold: 2 },
    slowStartSeconds: 0,
    targets: ports.map((port) => ({ key: `i-local:${port}`, address: '127.0.0.1', port, draining: draining.includes(port) })),
  });
  /** Listener l1 forwards to the target group; l2, another load balancer's, answers by itself. */
  const config = (backend: DataPlaneBackend, fixedPath = '/fixed', other: { certificates?: string[]; body?: string } = {}): DataPlaneConfig => ({
    frontends: [
      {
        id: 'l2',
        address: '127.0.0.1',
        port: otherPort,
        mode: 'http',
        certificates: other.certificates ?? [],
        idleTimeoutSeconds: 60,
        rules: [{ conditions: [], action: { type: 'fixed-response', statusCode: 200, contentType: 'text/plain', messageBody: other.body ?? 'other' } }],
      },
      {
        id: 'l1',
        address: '127.0.0.1',
        port: listenerPort,
        mode: 'http',
        certificates: [],
        idleTimeoutSeconds: 60,
        rules: [
          { conditions: [{ Field: 'path-pattern', Values: [fixedPath] }], action: { type: 'fixed-response', statusCode: 200, contentType: 'text/plain', messageBody: 'fixed' } },
          { conditions: [], action: { type: 'forward', targetGroups: [{ backendId: 'tg1', weight: 1 }] } },
        ],
      },
    ],
    backends: [backend],
  });
  const health = async () => Object.fromEntries([...(await plane.targetHealth())].map(([k, v]) => [k.split(':')[1], v.State]));

  before(async () => {
    listenerPort = await freePort();
    otherPort = await freePort();
    a = await backendServer('a');
    b = await backendServer('b', () => (bHealthy ? 200 : 500));
    servers.push(a.server, b.server);
    plane = new HaproxyDataPlane({ dir: mkdtempSync(join(tmpdir(), 'wharf-lb-')), log: quiet, restartDelayMs: 100 });
  });
  after(async () => {
    await plane.close();
    for (const s of servers) s.close();
  });

  it('serves a listener, with a target added to the running HAProxy only once its health checks pass', async () => {
    await plane.apply(config(group([])));
    await plane.apply(config(group([a.port])));
    assert.equal((await health())[a.port], 'initial');
    await until('target a healthy', async () => ((await health())[a.port] === 'healthy' ? true : undefined));
    assert.deepEqual(await get(listenerPort), { status: 200, body: 'a' });
    assert.deepEqual(await get(listenerPort, '/fixed'), { status: 200, body: 'fixed' });
  });

  it('adds a target through the runtime API and spreads requests across both', async () => {
    await plane.apply(config(group([a.port, b.port])));
    await until('target b healthy', async () => ((await health())[b.port] === 'healthy' ? true : undefined));
    const bodies = new Set<string>();
    for (let i = 0; i < 6; i++) bodies.add((await get(listenerPort)).body);
    assert.deepEqual([...bodies].sort(), ['a', 'b']);
  });

  it('counts what each listener and target group carried (CloudWatch metrics read these)', async () => {
    const before = await plane.traffic();
    for (let i = 0; i < 4; i++) await get(listenerPort);
    await get(listenerPort, '/fixed');
    const after = await plane.traffic();
    assert.equal(after.frontends.get('l1')!.requests - before.frontends.get('l1')!.requests, 5);
    assert.equal(after.backends.get('tg1')!.requests - before.backends.get('tg1')!.requests, 4);
    assert.equal(after.backends.get('tg1')!.responses['2xx'] - before.backends.get('tg1')!.responses['2xx'], 4);
  });

  it('takes a target that fails its checks out of rotation, with the code as the reason', async () => {
    bHealthy = false;
    const observed = await until('target b unhealthy', async () => {
      const report = await plane.targetHealth();
      const hb = [...report].find(([k]) => k.endsWith(`:${b.port}`))?.[1];
      return hb?.State === 'unhealthy' ? hb : undefined;
    });
    assert.equal(observed.Reason, 'Target.ResponseCodeMismatch');
    for (let i = 0; i < 4; i++) assert.equal((await get(listenerPort)).body, 'a');
    bHealthy = true;
  });

  it('drains a deregistered target: no new requests reach it', async () => {
    await plane.apply(config(group([a.port, b.port], [b.port])));
    assert.equal((await health())[b.port], 'draining');
    for (let i = 0; i < 4; i++) assert.equal((await get(listenerPort)).body, 'a');
  });

  it('writes any value as one word: a newline in a rule is matched, not a new line', async () => {
    await plane.apply(config(group([a.port, b.port], [b.port]), '/bad\nline'));
    assert.deepEqual(await get(listenerPort, '/fixed'), { status: 200, body: 'a' });
    await plane.apply(config(group([a.port, b.port], [b.port])));
  });

  it('keeps serving the other load balancers when one listener is refused, which keeps its last accepted version', async () => {
    const refused = await plane.apply(config(group([a.port]), '/moved', { certificates: ['not a certificate'], body: 'changed' }));
    assert.deepEqual(refused.map((r) => r.frontendId), ['l2']);
    assert.match(refused[0]!.reason, /ALERT/);
    // l1's change is in force (after the seamless reload), l2 serves as it did.
    await until('l1 changed', async () => ((await get(listenerPort, '/moved')).body === 'fixed' ? true : undefined));
    assert.deepEqual(await get(otherPort), { status: 200, body: 'other' });
    // l2 fixed: served at once.
    assert.deepEqual(await plane.apply(config(group([a.port]), '/fixed', { body: 'changed' })), []);
    await until('l2 changed', async () => ((await get(otherPort)).body === 'changed' ? true : undefined));
  });

  it('leaves out a listener refused at its first apply, and says why', async () => {
    const alone = new HaproxyDataPlane({ dir: mkdtempSync(join(tmpdir(), 'wharf-lb-')), log: quiet });
    const broken = config(group([a.port]));
    broken.frontends = broken.frontends.filter((f) => f.id === 'l1').map((f) => ({ ...f, address: 'not an address' }));
    const refused = await alone.apply(broken);
    await alone.close();
    assert.deepEqual(refused.map((r) => r.frontendId), ['l1']);
    assert.match(refused[0]!.reason, /not an IPv4 address/);
  });

  it('reloads for a rule change and keeps the targets it has', async () => {
    await plane.apply(config(group([a.port]), '/other'));
    // A seamless reload lets the old worker finish what it accepted: the new rule is in force moments later
    // (as in ELB, where rule changes propagate), never with a refused connection.
    const answered = await until('the new rule', async () => {
      const response = await get(listenerPort, '/other');
      return response.body === 'fixed' ? response : undefined;
    });
    assert.deepEqual(answered, { status: 200, body: 'fixed' });
    assert.equal((await health())[a.port], 'healthy');
    assert.equal((await get(listenerPort)).body, 'a');
  });

  it('starts HAProxy again when it dies', async () => {
    const masterPid = () => (plane as unknown as { master: { pid: number } }).master.pid;
    const pid = masterPid();
    process.kill(pid, 'SIGKILL');
    // The killed master's worker may still answer for a moment: wait for the new master, then for it to serve.
    await until('a new haproxy', async () => (masterPid() !== pid ? true : undefined));
    await until('haproxy back', async () => ((await get(listenerPort)).body === 'a' ? true : undefined));
  });
});
