// EC2 Auto Scaling's scaling policies over real group, policy and CloudWatch alarm records (SQLite in memory,
// a manual clock): what PutScalingPolicy makes, what ExecutePolicy and an alarm in ALARM do to the group's
// desired capacity (the group controller, tested in groups.test.ts, converges on it).
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { putMetricAlarm } from '../cloudwatch/put-metric-alarm.js';
import { createLaunchTemplate } from '../ec2/launch-templates.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { fixture, type Fixture } from '../ecs/fixtures.js';
import { createAutoScalingGroup } from './create-auto-scaling-group.js';
import { deleteAutoScalingGroup } from './delete-auto-scaling-group.js';
import { describePolicies } from './describe-policies.js';
import { deletePolicy, executePolicy, putScalingPolicy, runGroupPolicy } from './scaling-policies.js';

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await ensureDefaultVpc(f.ctx);
  await createLaunchTemplate(f.ctx, { LaunchTemplateName: 'hosts', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small' } }, f.call);
  await createAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web', LaunchTemplate: { LaunchTemplateName: 'hosts' }, MinSize: 1, MaxSize: 6, DesiredCapacity: 2, AvailabilityZones: ['us-east-1a'] });
});

const rejects = (p: Promise<unknown> | (() => unknown), code: string, message?: RegExp) =>
  assert.rejects(async () => (typeof p === 'function' ? p() : p), (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });

const desired = () => f.ctx.state.get('autoScalingGroup', 'web')!.DesiredCapacity;

/** The alarm as CloudWatch would hold it in ALARM, its latest datapoints `values`. */
const inAlarm = (name: string, values: number[]) => ({ ...f.ctx.state.get('metricAlarm', name)!, StateValue: 'ALARM' as const, StateReasonData: JSON.stringify({ recentDatapoints: values }) });

test('a target-tracking policy on the group CPU makes its two alarms as EC2 Auto Scaling does; its AlarmHigh scales out, its AlarmLow in', async () => {
  const out = await putScalingPolicy(f.ctx, {
    AutoScalingGroupName: 'web',
    PolicyName: 'cpu50',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
  });
  assert.match(out.PolicyARN!, /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/web:policyName\/cpu50$/);
  const [high, low] = out.Alarms!;
  assert.match(high!.AlarmName!, /^TargetTracking-web-AlarmHigh-[0-9a-f-]{36}$/);
  assert.match(low!.AlarmName!, /^TargetTracking-web-AlarmLow-[0-9a-f-]{36}$/);
  const alarm = f.ctx.state.get('metricAlarm', high!.AlarmName!)!;
  assert.deepEqual([alarm.Namespace, alarm.MetricName, alarm.Statistic, alarm.Threshold, alarm.ComparisonOperator], ['AWS/EC2', 'CPUUtilization', 'Average', 50, 'GreaterThanThreshold']);
  assert.deepEqual(alarm.Dimensions, [{ Name: 'AutoScalingGroupName', Value: 'web' }]);
  assert.deepEqual(alarm.AlarmActions, [out.PolicyARN]);
  assert.equal(f.ctx.state.get('metricAlarm', low!.AlarmName!)!.Threshold, 45);

  const policy = f.ctx.state.get('autoScalingPolicy', out.PolicyARN!)!;
  // 2 instances at 90 % for a target of 50: ceil(2 x 90 / 50) = 4.
  await runGroupPolicy(f.ctx, policy, inAlarm(high!.AlarmName!, [90, 90, 90]));
  assert.equal(desired(), 4);
  assert.match(f.ctx.state.get('autoScalingGroup', 'web')!.capacityCause, /a monitor alarm TargetTracking-web-AlarmHigh-\S+ in state ALARM triggered policy cpu50 changing the desired capacity from 2 to 4\.$/);
  // The high alarm never scales in; the low one does, within the group's minimum.
  await runGroupPolicy(f.ctx, policy, inAlarm(high!.AlarmName!, [5]));
  assert.equal(desired(), 4);
  await runGroupPolicy(f.ctx, policy, inAlarm(low!.AlarmName!, [5]));
  assert.equal(desired(), 1);

  const { ScalingPolicies } = describePolicies(f.ctx, { AutoScalingGroupName: 'web', PolicyTypes: ['TargetTrackingScaling'] });
  assert.equal(ScalingPolicies!.length, 1);
  assert.equal(ScalingPolicies![0]!.TargetTrackingConfiguration!.DisableScaleIn, false);
  assert.equal('capacityProvider' in ScalingPolicies![0]!, false);
  await deletePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'cpu50' });
  assert.equal(f.ctx.state.get('metricAlarm', high!.AlarmName!), undefined);
  assert.deepEqual(describePolicies(f.ctx, {}).ScalingPolicies, []);
});

test('a simple policy runs on ExecutePolicy, its cooldown honoured only when asked', async () => {
  const { PolicyARN } = await putScalingPolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'add2', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 2, Cooldown: 120 });
  await executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'add2' });
  assert.equal(desired(), 4);
  await executePolicy(f.ctx, { PolicyName: PolicyARN!, HonorCooldown: true });
  assert.equal(desired(), 4, 'within the 120-s cooldown');
  f.advance(121_000);
  await executePolicy(f.ctx, { PolicyName: PolicyARN!, HonorCooldown: true });
  assert.equal(desired(), 6);
  await executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'add2' });
  assert.equal(desired(), 6, 'at the maximum');
  await rejects(executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'add2', MetricValue: 3, BreachThreshold: 1 }), 'ValidationError');
});

test('a step policy picks the step the breach falls in, by ExecutePolicy or by the user alarm naming it', async () => {
  await putScalingPolicy(f.ctx, {
    AutoScalingGroupName: 'web',
    PolicyName: 'steps',
    PolicyType: 'StepScaling',
    AdjustmentType: 'ChangeInCapacity',
    StepAdjustments: [
      { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
      { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
    ],
  });
  const policy = describePolicies(f.ctx, { PolicyNames: ['steps'] }).ScalingPolicies![0]!;
  assert.equal(policy.MetricAggregationType, 'Average');
  await rejects(executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'steps' }), 'ValidationError', /MetricValue and BreachThreshold are required/);
  await rejects(executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'steps', MetricValue: 40, BreachThreshold: 50 }), 'ValidationError', /does not fall in any step/);
  await executePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'steps', MetricValue: 55, BreachThreshold: 50 });
  assert.equal(desired(), 3);

  await putMetricAlarm(f.ctx, {
    AlarmName: 'busy',
    Namespace: 'AWS/EC2',
    MetricName: 'CPUUtilization',
    Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web' }],
    Statistic: 'Average',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 50,
    ComparisonOperator: 'GreaterThanThreshold',
    AlarmActions: [policy.PolicyARN!],
  });
  assert.deepEqual(describePolicies(f.ctx, { PolicyNames: ['steps'] }).ScalingPolicies![0]!.Alarms!.map((a) => a.AlarmName), ['busy']);
  // A breach of 25 asks for 3 more; within the warm-up of the last one, from the capacity before it: 2 + 3.
  await runGroupPolicy(f.ctx, f.ctx.state.get('autoScalingPolicy', policy.PolicyARN!)!, inAlarm('busy', [75]));
  assert.equal(desired(), 5);
  // Deleting a step policy leaves its alarm, without the action naming it.
  await deletePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'steps' });
  assert.deepEqual(f.ctx.state.get('metricAlarm', 'busy')!.AlarmActions, []);
});

test('bad input gets EC2 Auto Scaling errors and changes nothing', async () => {
  const put = (extra: Record<string, unknown>) => putScalingPolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'p', ...extra });
  await rejects(put({ ScalingAdjustment: 1 }), 'ValidationError', /AdjustmentType is required/);
  await rejects(put({ AdjustmentType: 'ChangeInCapacity' }), 'ValidationError', /ScalingAdjustment is required/);
  await rejects(put({ AdjustmentType: 'Sideways', ScalingAdjustment: 1 }), 'ValidationError', /Invalid adjustment type/);
  await rejects(put({ PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity' }), 'ValidationError', /StepAdjustments must contain at least one/);
  await rejects(put({ PolicyType: 'TargetTrackingScaling', ScalingAdjustment: 1, TargetTrackingConfiguration: { TargetValue: 5, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageNetworkIn' } } }), 'ValidationError', /not supported for policy type/);
  await rejects(put({ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 5 } }), 'ValidationError', /Exactly one of/);
  await rejects(put({ PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 5, PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget' } } }), 'ValidationError', /ResourceLabel/);
  await rejects(putScalingPolicy(f.ctx, { AutoScalingGroupName: 'nope', PolicyName: 'p', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 }), 'ValidationError', /AutoScalingGroup nope not found/);
  await rejects(() => describePolicies(f.ctx, { AutoScalingGroupName: 'nope' }), 'ValidationError', /AutoScalingGroup nope not found/);
  await rejects(deletePolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'p' }), 'ValidationError', /Policy p not found/);
  await rejects(executePolicy(f.ctx, { PolicyName: 'p' }), 'ValidationError', /AutoScalingGroupName is required/);
  assert.deepEqual(describePolicies(f.ctx, {}).ScalingPolicies, []);
  assert.equal(f.ctx.state.count('metricAlarm'), 0);
});

test('a group deleted takes its policies and their alarms with it; DescribePolicies pages', async () => {
  for (const n of [1, 2, 3]) await putScalingPolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: `p${n}`, AdjustmentType: 'ExactCapacity', ScalingAdjustment: n });
  await putScalingPolicy(f.ctx, { AutoScalingGroupName: 'web', PolicyName: 'net', PolicyType: 'TargetTrackingScaling', TargetTrackingConfiguration: { TargetValue: 1e6, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageNetworkOut' } } });
  const first = describePolicies(f.ctx, { MaxRecords: 3 });
  assert.equal(first.ScalingPolicies!.length, 3);
  const rest = describePolicies(f.ctx, { MaxRecords: 3, NextToken: first.NextToken! });
  assert.equal(rest.ScalingPolicies!.length, 1);
  assert.equal(rest.NextToken, undefined);
  assert.equal(f.ctx.state.count('metricAlarm'), 2);
  await deleteAutoScalingGroup(f.ctx, { AutoScalingGroupName: 'web', ForceDelete: true });
  assert.equal(f.ctx.state.count('autoScalingPolicy'), 0);
  assert.equal(f.ctx.state.count('metricAlarm'), 0);
});
