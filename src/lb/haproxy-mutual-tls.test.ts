// Mutual TLS on an HTTPS listener, through a real HAProxy: verify mode admits only clients whose certificate
// the trust store's CA issued and its CRL does not revoke, and tells the target who they are; passthrough
// admits everyone and passes the certificate on. Certificates are made by openssl for the test.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataPlaneConfig, DataPlaneMutualTls } from '../core/load-balancer.js';
import type { Logger } from '../core/ports.js';
import { HaproxyDataPlane } from './haproxy-data-plane.js';

const hasTools = spawnSync('haproxy', ['-v']).status === 0 && spawnSync('openssl', ['version']).status === 0;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const dir = mkdtempSync(join(tmpdir(), 'wharf-mtls-'));
const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), 'utf8');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA, a server certificate, two clients it issued (serial 2 revoked by its CRL) and one from another CA. */
function makePki(): void {
  const ca = (name: string) => openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`);
  ca('ca');
  ca('other');
  ca('server');
  const client = (name: string, issuer: string, serial: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-set_serial', serial, '-days', '1', '-out', `${name}.pem`);
  };
  client('good', 'ca', '1');
  client('revoked', 'ca', '2');
  client('stranger', 'other', '3');
  writeFileSync(file('index.txt'), 'R\t301231000000Z\t240101000000Z\t02\tunknown\t/CN=revoked\n');
  writeFileSync(file('crlnumber'), '01\n');
  writeFileSync(file('ca.cnf'), '[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n');
  openssl('ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem');
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The headers the target saw, or the TLS error. */
function call(port: number, client?: string): Promise<Record<string, string> | Error> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', agent: false, rejectUnauthorized: false, ...(client && { cert: read(`${client}.pem`), key: read(`${client}.key`) }) },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(res.statusCode === 200 ? (JSON.parse(body) as Record<string, string>) : new Error(`status ${res.statusCode}`)));
      },
    );
    req.on('error', resolve);
    req.end();
  });
}

describe('mutual TLS in HAProxy', { skip: !hasTools && 'haproxy or openssl missing' }, () => {
  let plane: HaproxyDataPlane;
  let target: Server;
  let targetPort: number;
  let port: number;
  const headers = {
    serialNumber: 'X-Amzn-Mtls-Clientcert-Serial-Number',
    issuer: 'X-Amzn-Mtls-Clientcert-Issuer',
    subject: 'X-Amzn-Mtls-Clientcert-Subject',
    validity: 'X-Amzn-Mtls-Clientcert-Validity',
    leaf: 'X-Amzn-Mtls-Clientcert-Leaf',
  };

  const config = (mutualTls: DataPlaneMutualTls): DataPlaneConfig => ({
    frontends: [
      {
        id: 'l1',
        address: '127.0.0.1',
        port,
        mode: 'http',
        certificates: [read('server.pem') + read('server.key')],
        rules: [{ conditions: [], action: { type: 'forward', targetGroups: [{ backendId: 'tg1', weight: 1 }] } }],
        idleTimeoutSeconds: 60,
        mutualTls,
      },
    ],
    backends: [{ id: 'tg1', mode: 'http', tls: false, algorithm: 'roundrobin', slowStartSeconds: 0, targets: [{ key: 'ip:1', address: '127.0.0.1', port: targetPort, draining: false }] }],
  });

  /** Applies a configuration and waits until the listener serves with it (`ready` says when). */
  async function serve(mutualTls: DataPlaneMutualTls, ready: (answer: Record<string, string> | Error) => boolean): Promise<void> {
    assert.deepEqual(await plane.apply(config(mutualTls)), []);
    for (let i = 0; i < 200 && !ready(await call(port, 'good')); i++) await sleep(50);
  }

  before(async () => {
    makePki();
    target = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers)));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
    port = await freePort();
    plane = new HaproxyDataPlane({ dir: mkdtempSync(join(tmpdir(), 'wharf-lb-')), log: quiet, restartDelayMs: 100 });
  });
  after(async () => {
    await plane?.close();
    target?.close();
  });

  it('verify: admits the CA’s clients with their details in headers, refuses the revoked, the strangers and the anonymous', async () => {
    await serve(
      { mode: 'verify', caCertificates: read('ca.pem'), revocations: read('crl.pem'), ignoreExpiry: false, advertiseCaNames: false, headers },
      (answer) => !(answer instanceof Error),
    );
    const good = await call(port, 'good');
    assert.ok(!(good instanceof Error), String(good));
    assert.equal(good['x-amzn-mtls-clientcert-serial-number'], '01');
    assert.equal(good['x-amzn-mtls-clientcert-subject'], 'CN=good');
    assert.equal(good['x-amzn-mtls-clientcert-issuer'], 'CN=ca');
    assert.match(good['x-amzn-mtls-clientcert-leaf']!, /^-----BEGIN%20CERTIFICATE-----%0A[A-Za-z0-9+/=]+%0A-----END%20CERTIFICATE-----%0A$/);
    assert.ok((await call(port, 'revoked')) instanceof Error);
    assert.ok((await call(port, 'stranger')) instanceof Error);
    assert.ok((await call(port)) instanceof Error);
  });

  it('passthrough: admits every client and passes its certificate on, unverified', async () => {
    await serve({ mode: 'passthrough', headers: { certificate: 'X-Amzn-Mtls-Clientcert' } }, (answer) => !(answer instanceof Error) && 'x-amzn-mtls-clientcert' in answer);
    const stranger = await call(port, 'stranger');
    assert.ok(!(stranger instanceof Error), String(stranger));
    assert.match(stranger['x-amzn-mtls-clientcert']!, /^-----BEGIN%20CERTIFICATE-----%0A/);
    const anonymous = await call(port);
    assert.ok(!(anonymous instanceof Error), String(anonymous));
    assert.equal(anonymous['x-amzn-mtls-clientcert'], undefined);
  });
});
