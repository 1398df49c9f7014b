import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InstanceJoinDocument } from '../core/instance-join.js';
import { RenewingCredentials, renewalDelayMs } from './credentials-renewal.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } } as never;

const session = (key: string, expiresInMs: number): InstanceJoinDocument => ({
  Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC', AccessKeyId: key, SecretAccessKey: 's', Token: 't',
  Expiration: new Date(Date.now() + expiresInMs).toISOString(), InstanceId: 'i-0123456789abcdef0',
  InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole', InstanceProfileId: 'AIPAEXAMPLE',
});

test('renewed five minutes before expiry; halfway through a short session; never sooner than a second', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(renewalDelayMs('2026-01-01T06:00:00Z', now), 6 * 3_600_000 - 300_000);
  assert.equal(renewalDelayMs('2026-01-01T00:08:00Z', now), 240_000);
  assert.equal(renewalDelayMs('2025-12-31T23:59:00Z', now), 1_000);
});

test('the metadata service serves the renewed session before the first one expires; a failed renewal is retried', async () => {
  let calls = 0;
  const renewed = session('ASIANEXT', 3_600_000);
  const credentials = new RenewingCredentials(session('ASIAFIRST', 2_400), async () => (++calls === 1 ? renewed : undefined), Date.now, quiet);
  try {
    assert.equal(credentials.current().AccessKeyId, 'ASIAFIRST');
    const deadline = Date.now() + 2_300;
    while (credentials.current().AccessKeyId === 'ASIAFIRST' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(credentials.current().AccessKeyId, 'ASIANEXT');
    assert.equal(calls, 1);
  } finally {
    credentials.close();
  }
});
