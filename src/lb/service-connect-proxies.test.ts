// The Service Connect proxy's configuration: a frontend per client alias at its address, a backend of slots
// per Cloud Map service holding its endpoints; HAProxy accepts it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Logger } from '../core/ports.js';
import type { ServiceConnectProxyConfig } from '../core/runtime.js';
import { MAX_TIMEOUT_SECONDS } from './haproxy-config.js';
import { HaproxyServiceConnectProxies, proxyDataPlane } from './service-connect-proxies.js';

const proxy: ServiceConnectProxyConfig = {
  listeners: [
    { dnsName: 'api.connect', port: 80, serviceId: 'srv-api', discoveryName: 'api', mode: 'http', address: '127.255.0.1', idleTimeoutSeconds: 300, perRequestTimeoutSeconds: 5 },
    { dnsName: 'db.connect', port: 5432, serviceId: 'srv-db', discoveryName: 'db', mode: 'tcp', address: '127.255.0.2', idleTimeoutSeconds: 0 },
  ],
  endpoints: { 'srv-api': [{ id: 't1', address: '10.0.1.5', port: 8080 }, { id: 't2', address: '10.0.1.6', port: 8080 }], 'srv-db': [] },
  // This task serves `web` too: its port 8080 behind the ingress listener on 15000.
  ingress: [{ discoveryName: 'web', mode: 'http', port: 15000, interceptPort: 8080, target: { address: '127.0.0.1', port: 8080 }, idleTimeoutSeconds: 2147483647, perRequestTimeoutSeconds: 0 }],
};
const log = { info() {}, warn() {}, error() {}, debug() {}, child: () => log } as unknown as Logger;

test('each alias is a listener forwarding to its Cloud Map service, whose endpoints are its targets; each ingress one to the task; timeouts as the services set them', () => {
  const config = proxyDataPlane(proxy);
  assert.deepEqual(config.frontends.map((f) => [f.address, f.port, f.mode, f.rules[0]!.action, f.idleTimeoutSeconds]), [
    ['127.255.0.1', 80, 'http', { type: 'forward', targetGroups: [{ backendId: 'srv-api', weight: 1 }] }, 300],
    ['127.255.0.2', 5432, 'tcp', { type: 'forward', targetGroups: [{ backendId: 'srv-db', weight: 1 }] }, 0],
    // An idle timeout past HAProxy's longest timer waits that long.
    ['0.0.0.0', 15000, 'http', { type: 'forward', targetGroups: [{ backendId: 'ingress:web', weight: 1 }] }, MAX_TIMEOUT_SECONDS],
  ]);
  assert.deepEqual(config.backends.map((b) => [b.id, b.targets.map((t) => `${t.address}:${t.port}`), b.timeouts]), [
    ['srv-api', ['10.0.1.5:8080', '10.0.1.6:8080'], { serverSeconds: 5, tunnelSeconds: 300 }],
    ['srv-db', [], { serverSeconds: 0, tunnelSeconds: 0 }],
    ['ingress:web', ['127.0.0.1:8080'], { serverSeconds: 0, tunnelSeconds: MAX_TIMEOUT_SECONDS }],
  ]);
});

test('the configuration written for a task is one HAProxy accepts, endpoints in their slots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-proxy-'));
  const proxies = new HaproxyServiceConnectProxies({ dir, log });
  const taskDir = proxies.configure('0123456789abcdef', proxy);
  const text = readFileSync(join(taskDir, 'haproxy.cfg'), 'utf8');
  assert.match(text, /bind 127\.255\.0\.1:80\b/);
  assert.match(text, /frontend .*\n.*\n {2}bind 0\.0\.0\.0:15000\n {2}timeout client 2147483s/);
  assert.match(text, /backend .*\n {2}mode http\n {2}balance roundrobin\n {2}timeout server 5s\n {2}timeout tunnel 300s/);
  assert.match(text, /server t1 10\.0\.1\.5:8080\n {2}server t2 10\.0\.1\.6:8080\n {2}server t3 0\.0\.0\.0:0 disabled/);
  // Checked as HAProxy reads it (the sockets' directory is the container's; -c binds nothing).
  writeFileSync(join(dir, 'check.cfg'), text);
  execFileSync('haproxy', ['-c', '-f', join(dir, 'check.cfg')], { stdio: 'pipe' });
  assert.throws(() => proxies.configure('../escape', proxy), /not a task id/);
  proxies.remove('0123456789abcdef');
});
