// Auto Scaling groups over the real EC2 instance records and controllers (no hosts: without a launcher,
// instances still move through EC2's states), state on SQLite in memory, a manual clock.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createLaunchTemplate } from '../ec2/launch-templates.js';
import { instanceController } from '../ec2/instance-controller.js';
import { terminateInstances } from '../ec2/instances.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { setDesiredCapacity, setInstanceProtection } from './capacity.js';
import { createAutoScalingGroup } from './create-auto-scaling-group.js';
import { deleteAutoScalingGroup } from './delete-auto-scaling-group.js';
import { describeAutoScalingGroups } from './describe-auto-scaling-groups.js';
import { describeScalingActivities } from './describe-scaling-activities.js';
import { groupController } from './group-controller.js';
import { completeLifecycleAction, putLifecycleHook } from './lifecycle-hooks.js';
import { updateAutoScalingGroup } from './update-auto-scaling-group.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await ensureDefaultVpc(f.ctx);
  await createLaunchTemplate(f.ctx, { LaunchTemplateName: 'hosts', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small' } }, f.call);
});

const rejects = (p: Promise<unknown>, code: string, message?: RegExp) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });

/** Runs the EC2 instance and group controllers until they have nothing left to do. */
async function settle(): Promise<void> {
  const stop = new AbortController();
  const runs = [instanceController(f.ctx, stop.signal), groupController(f.ctx, stop.signal)];
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setImmediate(r));
    f.advance(100);
  }
  stop.abort();
  await Promise.all(runs);
}

const group = (name = 'web') => describeAutoScalingGroups(f.ctx, { AutoScalingGroupNames: [name] }).AutoScalingGroups![0]!;
const create = (extra: Record<string, unknown> = {}) =>
  createAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateName: 'hosts' }, MinSize: 0, MaxSize: 5, DesiredCapacity: 3, AvailabilityZones: ['us-east-1a', 'us-east-1b'], ...extra });

test('a group launches its desired capacity balanced across its zones, each launch an activity', async () => {
  await create();
  await settle();
  const g = group();
  assert.equal(g.Instances!.length, 3);
  assert.ok(g.Instances!.every((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy'));
  assert.deepEqual(g.Instances!.map((i) => i.AvailabilityZone).sort(), ['us-east-1a', 'us-east-1a', 'us-east-1b']);
  const instance = f.ctx.state.get('instance', g.Instances![0]!.InstanceId!)!;
  assert.equal(instance.State.Name, 'running');
  assert.ok(instance.Tags.some((t) => t.Key === 'aws:autoscaling:groupName' && t.Value === 'web'));
  const { Activities } = describeScalingActivities(f.ctx, { AutoScalingGroupName: 'web' });
  assert.equal(Activities!.length, 3);
  assert.ok(Activities!.every((a) => a.StatusCode === 'Successful' && /^Launching a new EC2 instance: i-/.test(a.Description!)));
  assert.match(Activities![0]!.Cause!, /^At 2026-01-01T00:00:00Z a user request created an AutoScalingGroup changing the desired capacity from 0 to 3\.  At .* an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 3\.$/);
});

test('bad requests get Auto Scaling errors and change nothing', async () => {
  await rejects(create({ MinSize: 4, MaxSize: 2 }), 'ValidationError', /Max bound, 2, must be greater than or equal to min bound, 4/);
  await rejects(create({ DesiredCapacity: 9 }), 'ValidationError', /Desired capacity:9 must be between the specified min size:0 and max size:5/);
  await rejects(create({ LaunchTemplate: { LaunchTemplateName: 'nope' } }), 'ValidationError', /template name nope, does not exist/);
  await rejects(create({ LaunchTemplate: undefined }), 'ValidationError', /must contain either LaunchTemplate/);
  await rejects(create({ AvailabilityZones: undefined }), 'ValidationError', /At least one Availability Zone or VPC Subnet is required/);
  await rejects(create({ TerminationPolicies: ['Cheapest'] }), 'ValidationError');
  assert.equal(describeAutoScalingGroups(f.ctx, {}).AutoScalingGroups!.length, 0);
  await create();
  await rejects(create(), 'AlreadyExists');
  await rejects(setDesiredCapacity(f.ctx, { AutoScalingGroupName: 'web', DesiredCapacity: 6 }), 'ValidationError', /above max value 5/);
  await rejects(updateAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'nope', MaxSize: 1 }), 'ValidationError', /AutoScalingGroup name not found/);
  await settle();
  await rejects(deleteAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web' }), 'ResourceInUse', /while there are instances/);
});

test('scale-in takes unprotected instances only, and a lost instance is replaced', async () => {
  await create();
  await settle();
  const ids = group().Instances!.map((i) => i.InstanceId!);
  await setInstanceProtection(f.ctx, { AutoScalingGroupName: 'web', InstanceIds: ids.slice(0, 2), ProtectedFromScaleIn: true });
  await setDesiredCapacity(f.ctx, { AutoScalingGroupName: 'web', DesiredCapacity: 0 });
  await settle();
  assert.deepEqual(group().Instances!.map((i) => i.InstanceId).sort(), ids.slice(0, 2).sort());
  assert.equal(f.ctx.state.get('instance', ids[2]!)!.State.Name, 'terminated');

  await updateAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web', DesiredCapacity: 2 });
  await terminateInstances(f.ctx, [ids[0]!]);
  await settle();
  const after = group().Instances!;
  assert.equal(after.length, 2);
  assert.ok(after.every((i) => i.LifecycleState === 'InService') && !after.some((i) => i.InstanceId === ids[0]));
  const causes = describeScalingActivities(f.ctx, { AutoScalingGroupName: 'web' }).Activities!.map((a) => a.Cause!);
  assert.ok(causes.some((c) => /an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped/.test(c)));
});

test('a termination lifecycle hook holds an instance until CompleteLifecycleAction', async () => {
  await create({ DesiredCapacity: 1 });
  await putLifecycleHook(f.ctx, { AutoScalingGroupName: 'web', LifecycleHookName: 'drain', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 300 });
  await settle();
  const [id] = group().Instances!.map((i) => i.InstanceId!);
  await setDesiredCapacity(f.ctx, { AutoScalingGroupName: 'web', DesiredCapacity: 0 });
  await settle();
  assert.equal(group().Instances![0]!.LifecycleState, 'Terminating:Wait');
  assert.equal(f.ctx.state.get('instance', id!)!.State.Name, 'running');
  await completeLifecycleAction(f.ctx, { AutoScalingGroupName: 'web', LifecycleHookName: 'drain', InstanceId: id, LifecycleActionResult: 'CONTINUE' });
  await settle();
  assert.equal(group().Instances!.length, 0);
  assert.equal(f.ctx.state.get('instance', id!)!.State.Name, 'terminated');
  await rejects(completeLifecycleAction(f.ctx, { AutoScalingGroupName: 'web', LifecycleHookName: 'drain', InstanceId: id, LifecycleActionResult: 'CONTINUE' }), 'ValidationError', /No active Lifecycle Action/);
});

test('ForceDelete terminates every instance, then the group is gone', async () => {
  await create();
  await settle();
  await deleteAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web', ForceDelete: true });
  assert.equal(group().Status, 'Delete in progress');
  await settle();
  assert.equal(describeAutoScalingGroups(f.ctx, {}).AutoScalingGroups!.length, 0);
  assert.ok([...f.ctx.state.all('instance')].every((i) => i.State.Name === 'terminated'));
});
