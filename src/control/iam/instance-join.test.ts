// The join step's control plane: the local role ensured once, instances joined with sessions bound to them,
// renewal only by an instance's own session, and the operator's permissions asked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallContext } from '../../core/caller.js';
import { AccessDeniedException } from '../../core/errors.js';
import { fixture } from '../ecs/fixtures.js';
import { instanceCall } from '../ecs/instance-fixtures.js';
import { ECS_INSTANCE_ROLE, ensureEcsInstanceRole, joinInstance, refreshInstanceCredentials } from './instance-join.js';

const profile = { IamInstanceProfile: { Name: ECS_INSTANCE_ROLE } };

test('ecsInstanceRole and its profile are made once and then left as they are', async () => {
  const f = await fixture();
  await ensureEcsInstanceRole(f.ctx);
  const role = f.ctx.state.get('iamRole', ECS_INSTANCE_ROLE)!;
  assert.match(role.AssumeRolePolicyDocument, /ec2\.amazonaws\.com/);
  assert.deepEqual(role.attachedPolicies, ['arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role']);
  assert.deepEqual(f.ctx.state.get('iamInstanceProfile', ECS_INSTANCE_ROLE)?.roles, [ECS_INSTANCE_ROLE]);
  await f.ctx.state.mutate((tx) => tx.put('iamRole', ECS_INSTANCE_ROLE, { ...role, attachedPolicies: [] }));
  await ensureEcsInstanceRole(f.ctx);
  assert.deepEqual(f.ctx.state.get('iamRole', ECS_INSTANCE_ROLE)?.attachedPolicies, [], 'a user\'s change stays');
});

test('a joined instance gets a session of the profile\'s role named after and bound to its new instance id', async () => {
  const f = await fixture();
  await ensureEcsInstanceRole(f.ctx);
  const asked: string[] = [];
  const joined = await joinInstance(f.ctx, f.call, profile, (_call, action, resource, keys) => void asked.push(`${action} ${resource} ${JSON.stringify(keys ?? {})}`));
  assert.match(joined.InstanceId, /^i-[0-9a-f]{17}$/);
  assert.match(joined.AccessKeyId, /^ASIA/);
  assert.equal(joined.InstanceProfileArn, 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole');
  assert.deepEqual(asked, [
    'ec2:RunInstances arn:aws:ec2:us-east-1:123456789012:instance/* {}',
    'iam:PassRole arn:aws:iam::123456789012:role/ecsInstanceRole {"iam:PassedToService":"ec2.amazonaws.com"}',
  ]);
  const opened = f.ctx.sessionKeys.open(joined.AccessKeyId, joined.Token);
  assert.equal(opened?.session.instanceId, joined.InstanceId);

  const denied = () => {
    throw new AccessDeniedException('no');
  };
  await assert.rejects(joinInstance(f.ctx, f.call, profile, denied), { code: 'AccessDeniedException' });
  await assert.rejects(joinInstance(f.ctx, f.call, { IamInstanceProfile: { Name: 'nope' } }, undefined), { code: 'InvalidParameterValue' });
  const again = await joinInstance(f.ctx, f.call, profile, undefined, 'i-0123456789abcdef0');
  assert.equal(again.InstanceId, 'i-0123456789abcdef0', 'the local agent keeps its instance id');
});

test('only an instance\'s own session renews it, for the same role and instance', async () => {
  const f = await fixture();
  await ensureEcsInstanceRole(f.ctx);
  const own: CallContext = instanceCall(f, 'i-0123456789abcdef0');
  const renewed = await refreshInstanceCredentials(f.ctx, own);
  assert.equal(f.ctx.sessionKeys.open(renewed.AccessKeyId, renewed.Token)?.session.instanceId, 'i-0123456789abcdef0');
  await assert.rejects(refreshInstanceCredentials(f.ctx, f.call), { code: 'AccessDeniedException' });
});
