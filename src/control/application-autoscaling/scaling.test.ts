// Application Auto Scaling over a control-plane world with a manual clock: targets, policies and their
// alarms, alarm-driven step and target-tracking scaling with cooldowns, scheduled actions, activities.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { MetricAlarmRecord } from '../../core/cloudwatch.js';
import { createService } from '../ecs/create-service.js';
import { fixture, populated, type Fixture } from '../ecs/fixtures.js';
import { useHighResolutionAlarms } from './alarms.js';
import { runAlarmActions, runScheduledActions } from './controllers.js';
import { deleteScalingPolicy } from './delete-scaling-policy.js';
import { deregisterScalableTarget } from './deregister-scalable-target.js';
import { describeScalableTargets, describeScalingActivities, describeScalingPolicies } from './describe.js';
import { putScalingPolicy } from './put-scaling-policy.js';
import { registerScalableTarget } from './register-scalable-target.js';
import { putScheduledAction } from './scheduled-actions.js';

const target = { ServiceNamespace: 'ecs', ResourceId: 'service/default/web', ScalableDimension: 'ecs:service:DesiredCount' } as const;
let f: Fixture;
let stop: AbortController;

beforeEach(async () => {
  f = await fixture();
  await populated(f);
  await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 1 }, f.call);
  stop = new AbortController();
});
afterEach(() => stop.abort());

const desired = () => f.ctx.state.get('service', 'arn:aws:ecs:us-east-1:123456789012:service/default/web')!.desiredCount;

/** Lets the controllers run what the last change triggered. */
const settle = async () => {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(check(), 'condition not reached');
}

/** Puts an alarm into ALARM as CloudWatch's evaluator would, with the datapoints it saw. */
async function alarmState(name: string, state: MetricAlarmRecord['StateValue'], recentDatapoints: number[]): Promise<void> {
  await f.ctx.state.mutate((tx) => {
    const alarm = tx.get('metricAlarm', name)!;
    const now = f.ctx.clock.now();
    tx.put('metricAlarm', name, { ...alarm, StateValue: state, StateReasonData: JSON.stringify({ version: '1.0', recentDatapoints, threshold: alarm.Threshold }), StateUpdatedTimestamp: now, StateTransitionedTimestamp: now });
  });
}

test('registering: AWS fills the role, bounds the service at once, updates only what is given', async () => {
  await assert.rejects(registerScalableTarget(f.ctx, { ...target, ResourceId: 'service/default/nope', MinCapacity: 1, MaxCapacity: 2 }), { name: 'ValidationException' });
  await assert.rejects(registerScalableTarget(f.ctx, { ...target, MinCapacity: 3, MaxCapacity: 2 }), { name: 'ValidationException' });
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 2, MaxCapacity: 4 });
  assert.equal(desired(), 2);
  await registerScalableTarget(f.ctx, { ...target, MaxCapacity: 6 });
  const [described] = describeScalableTargets(f.ctx, { ServiceNamespace: 'ecs' }).ScalableTargets;
  assert.equal(described!.MinCapacity, 2);
  assert.equal(described!.MaxCapacity, 6);
  assert.match(described!.RoleARN!, /AWSServiceRoleForApplicationAutoScaling_ECSService$/);
  const [activity] = describeScalingActivities(f.ctx, { ServiceNamespace: 'ecs' }).ScalingActivities;
  assert.equal(activity!.Description, 'Setting desired count to 2.');
  assert.equal(activity!.Cause, 'minimum capacity was set to 2');
  assert.equal(activity!.StatusMessage, 'Successfully set desired count to 2. Change successfully fulfilled by ecs.');
});

test('target tracking makes AlarmHigh and AlarmLow as AWS does; they go with the policy', async () => {
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 5 });
  await assert.rejects(putScalingPolicy(f.ctx, { ...target, PolicyName: 'cpu', PolicyType: 'TargetTrackingScaling' }), { name: 'ValidationException' });
  const out = await putScalingPolicy(f.ctx, {
    ...target,
    PolicyName: 'cpu',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
  });
  assert.match(out.PolicyARN!, /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/default\/web:policyName\/cpu$/);
  const [high, low] = out.Alarms!;
  assert.match(high!.AlarmName!, /^TargetTracking-service\/default\/web-AlarmHigh-[0-9a-f-]{36}$/);
  const highAlarm = f.ctx.state.get('metricAlarm', high!.AlarmName!)!;
  assert.deepEqual([highAlarm.MetricName, highAlarm.Namespace, highAlarm.Period, highAlarm.EvaluationPeriods, highAlarm.Threshold, highAlarm.ComparisonOperator], ['CPUUtilization', 'AWS/ECS', 60, 3, 50, 'GreaterThanThreshold']);
  assert.deepEqual(highAlarm.AlarmActions, [out.PolicyARN]);
  const lowAlarm = f.ctx.state.get('metricAlarm', low!.AlarmName!)!;
  assert.deepEqual([lowAlarm.EvaluationPeriods, lowAlarm.Threshold, lowAlarm.ComparisonOperator], [15, 45, 'LessThanThreshold']);
  assert.equal(describeScalingPolicies(f.ctx, { ServiceNamespace: 'ecs' }).ScalingPolicies[0]!.Alarms!.length, 2);
  await deleteScalingPolicy(f.ctx, { ...target, PolicyName: 'cpu' });
  assert.equal(f.ctx.state.get('metricAlarm', high!.AlarmName!), undefined);
  assert.equal(f.ctx.state.get('metricAlarm', low!.AlarmName!), undefined);
});

test('the high-resolution setting gives 10-s alarms; DisableScaleIn makes no low alarm', async () => {
  useHighResolutionAlarms(f.ctx);
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 5 });
  const out = await putScalingPolicy(f.ctx, {
    ...target,
    PolicyName: 'mem',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, DisableScaleIn: true, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } },
  });
  assert.equal(out.Alarms!.length, 1);
  const alarm = f.ctx.state.get('metricAlarm', out.Alarms![0]!.AlarmName!)!;
  assert.deepEqual([alarm.MetricName, alarm.Period, alarm.EvaluationPeriods], ['MemoryUtilization', 10, 1]);
});

test('an alarm in ALARM runs its target-tracking policy; cooldowns hold; the low alarm scales in', async () => {
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 4 });
  const { Alarms } = await putScalingPolicy(f.ctx, {
    ...target,
    PolicyName: 'cpu',
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, ScaleOutCooldown: 60, ScaleInCooldown: 60, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } },
  });
  const [high, low] = Alarms!;
  void runAlarmActions(f.ctx, stop.signal);
  await alarmState(high!.AlarmName!, 'ALARM', [90, 95, 100]);
  await until(() => desired() === 2);
  const [activity] = describeScalingActivities(f.ctx, { ServiceNamespace: 'ecs' }).ScalingActivities;
  assert.equal(activity!.Cause, `monitor alarm ${high!.AlarmName} in state ALARM triggered policy cpu`);
  await until(() => describeScalingActivities(f.ctx, { ServiceNamespace: 'ecs' }).ScalingActivities[0]!.StatusCode === 'Successful');
  // Re-invoked a minute later, still in ALARM with the same breach: the cooldown counts the added task.
  f.advance(59_000);
  await settle();
  assert.equal(desired(), 2);
  // A larger breach goes through within the cooldown (stopping at MaxCapacity).
  await alarmState(high!.AlarmName!, 'ALARM', [200]);
  await until(() => desired() === 4);
  await alarmState(high!.AlarmName!, 'OK', [40]);
  await alarmState(low!.AlarmName!, 'ALARM', [10, 10, 10]);
  await until(() => desired() === 1);
});

test('a step policy scales by the step its breach falls in', async () => {
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 10 });
  await assert.rejects(
    putScalingPolicy(f.ctx, { ...target, PolicyName: 'bad', StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 5, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 }] } }),
    { name: 'ValidationException', message: /gaps/ },
  );
  const { PolicyARN } = await putScalingPolicy(f.ctx, {
    ...target,
    PolicyName: 'queue',
    PolicyType: 'StepScaling',
    StepScalingPolicyConfiguration: {
      AdjustmentType: 'ChangeInCapacity',
      Cooldown: 30,
      MetricAggregationType: 'Maximum',
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1 },
        { MetricIntervalLowerBound: 10, ScalingAdjustment: 3 },
      ],
    },
  });
  const { putMetricAlarm } = await import('../cloudwatch/put-metric-alarm.js');
  await putMetricAlarm(f.ctx, { AlarmName: 'queue-high', Namespace: 'Jobs', MetricName: 'Depth', Statistic: 'Maximum', Period: 10, EvaluationPeriods: 1, Threshold: 100, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [PolicyARN!] });
  void runAlarmActions(f.ctx, stop.signal);
  await alarmState('queue-high', 'ALARM', [105, 115]);
  await until(() => desired() === 4);
});

test('a scheduled action sets the bounds at its time and brings the service within them', async () => {
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 3 });
  await assert.rejects(putScheduledAction(f.ctx, { ...target, ScheduledActionName: 'bad', Schedule: 'cron(61 * * * ? *)', ScalableTargetAction: { MinCapacity: 1 } }), { name: 'ValidationException' });
  await putScheduledAction(f.ctx, { ...target, ScheduledActionName: 'morning', Schedule: 'at(2026-01-01T00:05:00)', ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 6 } });
  void runScheduledActions(f.ctx, stop.signal);
  await settle();
  assert.equal(desired(), 1);
  f.advance(5 * 60_000);
  await until(() => desired() === 3);
  const activities = describeScalingActivities(f.ctx, { ServiceNamespace: 'ecs' }).ScalingActivities;
  assert.ok(activities.some((a) => a.Cause === 'scheduled action name morning was triggered' && a.StatusMessage === 'Successfully set min capacity to 3 and max capacity to 6'));
  assert.ok(activities.some((a) => a.Cause === 'minimum capacity was set to 3'));
  await deregisterScalableTarget(f.ctx, target);
  assert.equal(describeScalableTargets(f.ctx, { ServiceNamespace: 'ecs' }).ScalableTargets.length, 0);
});

test('with two target-tracking policies, scale-in waits for both and goes to the larger capacity', async () => {
  await registerScalableTarget(f.ctx, { ...target, MinCapacity: 1, MaxCapacity: 10 });
  const put = (PolicyName: string, type: 'ECSServiceAverageCPUUtilization' | 'ECSServiceAverageMemoryUtilization') =>
    putScalingPolicy(f.ctx, { ...target, PolicyName, PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, ScaleInCooldown: 0, ScaleOutCooldown: 0, PredefinedMetricSpecification: { PredefinedMetricType: type } } });
  const cpu = (await put('cpu', 'ECSServiceAverageCPUUtilization')).Alarms!;
  const memory = (await put('memory', 'ECSServiceAverageMemoryUtilization')).Alarms!;
  void runAlarmActions(f.ctx, stop.signal);
  await alarmState(cpu[0]!.AlarmName!, 'ALARM', [300]);
  await until(() => desired() === 6);
  await alarmState(cpu[0]!.AlarmName!, 'OK', [40]);
  // CPU wants 1 task, but memory is not low: nothing happens.
  await alarmState(cpu[1]!.AlarmName!, 'ALARM', [5]);
  await settle();
  assert.equal(desired(), 6);
  // Memory low too, asking for ceil(6 × 20 / 50) = 3: the larger of the two.
  await alarmState(memory[1]!.AlarmName!, 'ALARM', [20]);
  await until(() => desired() === 3);
});
