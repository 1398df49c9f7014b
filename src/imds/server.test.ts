import assert from 'node:assert/strict';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import type { InstanceHost, SpotInterruptionNotice } from '../core/ec2-instances.js';
import { serveInstanceMetadata } from './server.js';

const host: InstanceHost = {
  instanceId: 'i-0123456789abcdef0',
  region: 'us-east-1',
  instanceType: 'c5.large',
  vcpus: 2,
  memoryMiB: 4096,
  architecture: 'x86_64',
  availabilityZone: 'us-east-1b',
  privateIpAddress: '172.31.16.5',
  privateDnsName: 'ip-172-31-16-5.ec2.internal',
  imageId: 'ami-0123456789abcdef0',
  userData: 'ECS_CLUSTER=x',
  spot: false,
  roleName: 'ecsInstanceRole',
  credentials: {
    Code: 'Success', LastUpdated: '2026-01-01T00:00:00Z', Type: 'AWS-HMAC', AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', Token: 't', Expiration: '2026-01-01T01:00:00Z',
    InstanceId: 'i-0123456789abcdef0', InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole', InstanceProfileId: 'AIPAEXAMPLE',
  },
};

test('IMDSv2: a token first; identity, user data, signed document and the profile\'s credentials with it', async () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let now = 0;
  const imds = await serveInstanceMetadata({ host, accountId: '123456789012', signingKey: privateKey, now: () => now, launchTime: '2026-01-01T00:00:00Z' });
  try {
    const url = (path: string) => new URL(path, imds.endpoint);
    assert.equal((await fetch(url('latest/meta-data/instance-id'))).status, 401);
    assert.equal((await fetch(url('latest/api/token'), { method: 'PUT' })).status, 400);
    const token = await (await fetch(url('latest/api/token'), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
    const get = async (path: string) => {
      const res = await fetch(url(`latest/${path}`), { headers: { 'x-aws-ec2-metadata-token': token } });
      return [res.status, await res.text()] as const;
    };
    assert.deepEqual(await get('meta-data/placement/availability-zone'), [200, 'us-east-1b']);
    assert.deepEqual(await get('user-data'), [200, 'ECS_CLUSTER=x']);
    assert.deepEqual(await get('meta-data/iam/security-credentials/'), [200, 'ecsInstanceRole']);
    assert.equal(JSON.parse((await get('meta-data/iam/security-credentials/ecsInstanceRole'))[1]).AccessKeyId, 'ASIAEXAMPLE');
    const [, document] = await get('dynamic/instance-identity/document');
    const [, signature] = await get('dynamic/instance-identity/signature');
    assert.equal(JSON.parse(document).instanceType, 'c5.large');
    assert.ok(createVerify('RSA-SHA256').update(document).verify(publicKey, signature, 'base64'));
    assert.equal((await get('meta-data/nothing-here'))[0], 404);
    now += 61_000;
    assert.equal((await get('meta-data/instance-id'))[0], 401);
  } finally {
    await imds.close();
  }
});

test('a Spot instance: spot/instance-action and spot/termination-time answer 404 until EC2 gives its notice', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let notice: SpotInterruptionNotice | undefined;
  const imds = await serveInstanceMetadata({ host: { ...host, spot: true }, accountId: '123456789012', signingKey: privateKey, now: () => 0, launchTime: '2026-01-01T00:00:00Z', spotInterruption: () => notice });
  try {
    const url = (path: string) => new URL(path, imds.endpoint);
    const token = await (await fetch(url('latest/api/token'), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
    const get = async (path: string) => {
      const res = await fetch(url(`latest/${path}`), { headers: { 'x-aws-ec2-metadata-token': token } });
      return [res.status, await res.text()] as const;
    };
    assert.deepEqual(await get('meta-data/instance-life-cycle'), [200, 'spot']);
    assert.equal((await get('meta-data/spot/instance-action'))[0], 404);
    assert.equal((await get('meta-data/spot/termination-time'))[0], 404);
    notice = { action: 'terminate', time: new Date('2026-01-01T00:02:00.250Z') };
    assert.deepEqual(await get('meta-data/spot/instance-action'), [200, '{"action":"terminate","time":"2026-01-01T00:02:00Z"}']);
    assert.deepEqual(await get('meta-data/spot/termination-time'), [200, '2026-01-01T00:02:00Z']);
    assert.deepEqual(await get('meta-data/spot/'), [200, 'instance-action\ntermination-time']);
  } finally {
    await imds.close();
  }
});

test('iam/security-credentials answers the current session, as renewed', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let current = host.credentials!;
  const imds = await serveInstanceMetadata({ host, accountId: '123456789012', signingKey: privateKey, now: () => 0, launchTime: '2026-01-01T00:00:00Z', credentials: () => current });
  try {
    const url = (path: string) => new URL(path, imds.endpoint);
    const token = await (await fetch(url('latest/api/token'), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
    const read = async () => JSON.parse(await (await fetch(url('latest/meta-data/iam/security-credentials/ecsInstanceRole'), { headers: { 'x-aws-ec2-metadata-token': token } })).text());
    assert.equal((await read()).AccessKeyId, 'ASIAEXAMPLE');
    current = { ...current, AccessKeyId: 'ASIARENEWED', Expiration: '2026-01-01T02:00:00Z' };
    assert.deepEqual([(await read()).AccessKeyId, (await read()).Expiration], ['ASIARENEWED', '2026-01-01T02:00:00Z']);
  } finally {
    await imds.close();
  }
});
