// Every ELBv2 security policy, and the listener attributes, as HAProxy configuration that HAProxy accepts.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SSL_POLICIES } from '../core/elbv2-ssl-policies.js';
import type { DataPlaneConfig, DataPlaneFrontend } from '../core/load-balancer.js';
import { renderHaproxyConfig } from './haproxy-config.js';
import { assignSlots } from './slots.js';

const hasTools = spawnSync('haproxy', ['-v']).status === 0 && spawnSync('openssl', ['version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wharf-tls-policy-'));
const paths = { adminSocket: join(dir, 'admin.sock'), serverStateFile: join(dir, 'state') };

function certificateFile(): string {
  const file = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'crt.pem')], { stdio: 'pipe' });
  writeFileSync(file, readFileSync(join(dir, 'crt.pem'), 'utf8') + readFileSync(join(dir, 'key.pem'), 'utf8'));
  return file;
}

const frontend = (over: Partial<DataPlaneFrontend>): DataPlaneFrontend => ({
  id: 'l1',
  address: '127.0.0.1',
  port: 18443,
  mode: 'http',
  certificates: ['pem'],
  rules: [{ conditions: [], action: { type: 'fixed-response', statusCode: 200 } }],
  idleTimeoutSeconds: 60,
  ...over,
});

describe('TLS policies and listener attributes in HAProxy', { skip: !hasTools && 'haproxy or openssl missing' }, () => {
  const cert = hasTools ? certificateFile() : '';
  const render = (config: DataPlaneConfig) => renderHaproxyConfig({ config, slots: assignSlots(new Map(), []), paths, certificateFile: () => cert });
  const accepts = (text: string) => {
    writeFileSync(join(dir, 'haproxy.cfg'), text);
    execFileSync('haproxy', ['-c', '-q', '-f', join(dir, 'haproxy.cfg')], { stdio: 'pipe' });
  };

  it('renders each policy as its version range and ciphers, and HAProxy accepts it', () => {
    for (const policy of SSL_POLICIES) {
      const text = render({ frontends: [frontend({ tls: { protocols: policy.protocols, ciphers: policy.ciphers, suites: policy.suites } })], backends: [] });
      accepts(text);
      const bind = text.split('\n').find((l) => l.includes(' bind '))!;
      if (policy.name === 'ELBSecurityPolicy-TLS13-1-3-2021-06') assert.match(bind, /ssl-min-ver TLSv1\.3 ssl-max-ver TLSv1\.3 ciphersuites/);
      if (policy.name === 'ELBSecurityPolicy-2016-08') assert.match(bind, /ssl-min-ver TLSv1\.0 ssl-max-ver TLSv1\.2 ciphers "ECDHE-ECDSA-AES128-GCM-SHA256:.*:@SECLEVEL=0"/);
      if (policy.name === 'ELBSecurityPolicy-TLS-1-2-2017-01') assert.doesNotMatch(bind, /SECLEVEL|ciphersuites/);
    }
  });

  it('sets response headers and removes the Server header as the listener attributes say, encoded', () => {
    const text = render({
      frontends: [frontend({ certificates: [], removeServerHeader: true, responseHeaders: [{ name: 'X-Frame-Options', value: 'DENY' }, { name: 'Content-Security-Policy', value: "default-src 'self'; 100%" }] })],
      backends: [],
    });
    accepts(text);
    assert.match(text, /http-after-response del-header server/);
    assert.match(text, /http-after-response set-header "X-Frame-Options" "DENY"/);
    assert.match(text, /"default-src 'self'; 100%%"/);
    assert.throws(() => render({ frontends: [frontend({ certificates: [], responseHeaders: [{ name: 'Bad Name', value: 'x' }] })], backends: [] }));
  });
});
