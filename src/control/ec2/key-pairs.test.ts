import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, test } from 'node:test';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { createTags } from './create-tags.js';
import { describeInstanceTypes } from './describe-instance-types.js';
import { describeInstanceAttribute, modifyInstanceAttribute } from './instance-attributes.js';
import { launchInstances } from './instances.js';
import { createKeyPair, deleteKeyPair, describeKeyPairs, importKeyPair } from './key-pairs.js';
import { ensureDefaultVpc } from './vpcs.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await ensureDefaultVpc(f.ctx);
});

const rejects = (p: Promise<unknown>, code: string) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    return true;
  });

test('key pairs: created with their private key once, imported from OpenSSH lines, unique by name', async () => {
  const created = await createKeyPair(f.ctx, { KeyName: 'ops' });
  assert.match(created.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----/);
  assert.match(created.KeyFingerprint!, /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
  await rejects(createKeyPair(f.ctx, { KeyName: 'ops' }), 'InvalidKeyPair.Duplicate');
  const { publicKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), x]);
  const imported = await importKeyPair(f.ctx, { KeyName: 'laptop', PublicKeyMaterial: Buffer.from(`ssh-ed25519 ${blob.toString('base64')} me@laptop`) });
  assert.match(imported.KeyFingerprint!, /=$/);
  await rejects(importKeyPair(f.ctx, { KeyName: 'bad', PublicKeyMaterial: Buffer.from('ssh-rsa nope') }), 'InvalidKeyPair.Format');
  const { KeyPairs = [] } = await describeKeyPairs(f.ctx, { Filters: [{ Name: 'key-type', Values: ['ed25519'] }], IncludePublicKey: true });
  assert.deepEqual(KeyPairs.map((k) => k.KeyName), ['laptop']);
  assert.match(KeyPairs[0]!.PublicKey!, /^ssh-ed25519 /);
  await rejects(describeKeyPairs(f.ctx, { KeyNames: ['nope'] }), 'InvalidKeyPair.NotFound');
  await deleteKeyPair(f.ctx, { KeyName: 'ops' });
  assert.equal((await describeKeyPairs(f.ctx, {})).KeyPairs?.length, 1);
});

test('DescribeInstanceTypes: the table, by name and by filters', async () => {
  const { InstanceTypes = [] } = await describeInstanceTypes(f.ctx, { InstanceTypes: ['m5.large', 't4g.micro'] });
  assert.deepEqual(InstanceTypes.map((t) => [t.InstanceType, t.VCpuInfo?.DefaultVCpus, t.MemoryInfo?.SizeInMiB, t.ProcessorInfo?.SupportedArchitectures?.[0]]), [
    ['m5.large', 2, 8192, 'x86_64'],
    ['t4g.micro', 2, 1024, 'arm64'],
  ]);
  await rejects(describeInstanceTypes(f.ctx, { InstanceTypes: ['m5.huge' as never] }), 'InvalidInstanceType');
  const arm = await describeInstanceTypes(f.ctx, { Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }, { Name: 'vcpu-info.default-vcpus', Values: ['4'] }] });
  assert.ok(arm.InstanceTypes!.length > 3 && arm.InstanceTypes!.every((t) => t.VCpuInfo?.DefaultVCpus === 4));
});

test('instance attributes and tags: termination protection holds, the type changes only while stopped', async () => {
  const [i] = await launchInstances(f.ctx, { count: 1, instanceType: 't3.micro', imageId: 'ami-0123456789abcdef0' });
  await modifyInstanceAttribute(f.ctx, { InstanceId: i!.InstanceId, DisableApiTermination: { Value: true } });
  assert.equal((await describeInstanceAttribute(f.ctx, { InstanceId: i!.InstanceId, Attribute: 'disableApiTermination' })).DisableApiTermination?.Value, true);
  await rejects(modifyInstanceAttribute(f.ctx, { InstanceId: i!.InstanceId, InstanceType: { Value: 'm5.large' } }), 'IncorrectInstanceState');
  await createTags(f.ctx, { Resources: [i!.InstanceId], Tags: [{ Key: 'team', Value: 'a' }] });
  assert.deepEqual(f.ctx.state.get('instance', i!.InstanceId)?.Tags, [{ Key: 'team', Value: 'a' }]);
});
