import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCluster } from './create-cluster.js';
import { fixture } from './fixtures.js';
import { instanceCall } from './instance-fixtures.js';
import { putAttributes } from './put-attributes.js';
import { registerContainerInstance } from './register-container-instance.js';

const identity = JSON.stringify({
  instanceId: 'i-0abc',
  availabilityZone: 'us-east-1b',
  instanceType: 'm5.large',
  imageId: 'ami-123',
  architecture: 'aarch64',
  region: 'us-east-1',
});
const totalResources = [
  { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 3800 },
  { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '2376', '51678', '51679'] },
  { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
];

test('RegisterContainerInstance registers an ACTIVE instance with the attributes ECS derives', async () => {
  const f = await fixture();
  await createCluster(f.ctx, {}, f.call);
  const { containerInstance: i } = await registerContainerInstance(f.ctx, {
    instanceIdentityDocument: identity,
    totalResources,
    versionInfo: { agentVersion: '1.80.0', dockerVersion: 'DockerVersion: 24.0.5' },
    attributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.44' }, { name: 'stack', value: 'blue' }],
    tags: [{ key: 'k', value: 'v' }],
  });
  assert.match(i!.containerInstanceArn!, /^arn:aws:ecs:us-east-1:123456789012:container-instance\/default\/[0-9a-f]{32}$/);
  assert.equal(i?.ec2InstanceId, 'i-0abc');
  assert.equal(i?.status, 'ACTIVE');
  assert.equal(i?.agentConnected, false);
  assert.equal(i?.version, 1);
  assert.deepEqual(i?.registeredResources, totalResources);
  assert.deepEqual(i?.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue, 3800);
  assert.equal(i?.runningTasksCount, 0);
  assert.deepEqual(i?.versionInfo, { agentVersion: '1.80.0', dockerVersion: 'DockerVersion: 24.0.5' });
  assert.deepEqual(i?.tags, [{ key: 'k', value: 'v' }]);
  const attributes = new Map(i?.attributes?.map((a) => [a.name, a.value]));
  assert.equal(attributes.get('ecs.availability-zone'), 'us-east-1b');
  assert.equal(attributes.get('ecs.instance-type'), 'm5.large');
  assert.equal(attributes.get('ecs.ami-id'), 'ami-123');
  assert.equal(attributes.get('ecs.os-type'), 'linux');
  assert.equal(attributes.get('ecs.cpu-architecture'), 'arm64');
  assert.equal(attributes.get('stack'), 'blue');
  assert.ok(attributes.has('com.amazonaws.ecs.capability.docker-remote-api.1.44'));
});

test('RegisterContainerInstance with a known containerInstanceArn re-registers the same instance', async () => {
  const f = await fixture();
  await createCluster(f.ctx, {}, f.call);
  const first = (await registerContainerInstance(f.ctx, { instanceIdentityDocument: identity, totalResources })).containerInstance!;
  await putAttributes(f.ctx, { attributes: [{ name: 'rack', value: 'r1', targetId: first.containerInstanceArn }] });
  f.advance(60_000);
  const again = (
    await registerContainerInstance(f.ctx, { containerInstanceArn: first.containerInstanceArn, totalResources, versionInfo: { agentVersion: '2' } })
  ).containerInstance!;
  assert.equal(again.containerInstanceArn, first.containerInstanceArn);
  assert.equal(again.ec2InstanceId, 'i-0abc');
  assert.deepEqual(again.registeredAt, first.registeredAt);
  assert.equal(again.version, 3);
  assert.ok(again.attributes?.some((a) => a.name === 'rack' && a.value === 'r1'), 'custom attributes survive');
  assert.equal(f.ctx.state.count('containerInstance'), 1);

  const stranger = await registerContainerInstance(f.ctx, {
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/default/ffffffffffffffffffffffffffffffff',
  });
  assert.notEqual(stranger.containerInstance?.containerInstanceArn, first.containerInstanceArn);
  assert.match(stranger.containerInstance!.ec2InstanceId!, /^i-[0-9a-f]{17}$/);
});

test('RegisterContainerInstance refuses unknown clusters, bad documents and moving clusters', async () => {
  const f = await fixture();
  await assert.rejects(registerContainerInstance(f.ctx, { cluster: 'nope' }), { code: 'ClusterNotFoundException' });
  await createCluster(f.ctx, {}, f.call);
  await createCluster(f.ctx, { clusterName: 'other' }, f.call);
  await assert.rejects(registerContainerInstance(f.ctx, { instanceIdentityDocument: '{not json' }), { code: 'InvalidParameterException' });
  const { containerInstance } = await registerContainerInstance(f.ctx, {});
  await assert.rejects(registerContainerInstance(f.ctx, { cluster: 'other', containerInstanceArn: containerInstance!.containerInstanceArn }), {
    code: 'InvalidParameterException',
  });
});

test('an instance session registers its own instance id, once per cluster, and cannot take over another', async () => {
  const f = await fixture();
  await createCluster(f.ctx, {}, f.call);
  const mine = instanceCall(f, 'i-0123456789abcdef0');
  const { containerInstance: i } = await registerContainerInstance(f.ctx, { instanceIdentityDocument: identity, totalResources }, mine);
  assert.equal(i?.ec2InstanceId, 'i-0123456789abcdef0', 'the session names the instance, not the document');

  const again = await registerContainerInstance(f.ctx, { containerInstanceArn: i!.containerInstanceArn, totalResources }, mine);
  assert.equal(again.containerInstance?.containerInstanceArn, i!.containerInstanceArn, 'its own ARN re-registers');
  await assert.rejects(registerContainerInstance(f.ctx, { totalResources }, mine), {
    code: 'InvalidParameterException',
    message: /i-0123456789abcdef0 is already registered/,
  });

  const other = instanceCall(f, 'i-0fedcba9876543210');
  await assert.rejects(registerContainerInstance(f.ctx, { containerInstanceArn: i!.containerInstanceArn, totalResources }, other), {
    code: 'AccessDeniedException',
    message: /ecs:RegisterContainerInstance on resource: .*container-instance/,
  });
  const { containerInstance: theirs } = await registerContainerInstance(f.ctx, { totalResources }, other);
  assert.equal(theirs?.ec2InstanceId, 'i-0fedcba9876543210');
  // A user (no instance) keeps ECS's behaviour: it may re-register any instance.
  await registerContainerInstance(f.ctx, { containerInstanceArn: i!.containerInstanceArn, totalResources }, f.call);
});
