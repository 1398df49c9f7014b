// Alarms through their control functions: PutMetricAlarm's checks, updates that keep the state, deletion.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { deleteAlarms } from './delete-alarms.js';
import { cloudwatchFixture } from './fixtures.js';
import { putMetricAlarm, type PutMetricAlarmInput } from './put-metric-alarm.js';

const code = (expected: string) => (error: unknown) => (error as AwsError).code === expected;
const cpuHigh: PutMetricAlarmInput = {
  AlarmName: 'cpu-high',
  Namespace: 'AWS/ECS',
  MetricName: 'CPUUtilization',
  Dimensions: [{ Name: 'ClusterName', Value: 'default' }],
  Statistic: 'Average',
  Period: 60,
  EvaluationPeriods: 3,
  Threshold: 75,
  ComparisonOperator: 'GreaterThanThreshold',
  AlarmActions: ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0b1c:resource/ecs/service/default/web:policyName/up'],
};

describe('PutMetricAlarm and DeleteAlarms', () => {
  it('creates an alarm in INSUFFICIENT_DATA, keeps its state across updates, and deletes it', async () => {
    const f = await cloudwatchFixture();
    await putMetricAlarm(f.ctx, cpuHigh);
    const created = f.ctx.state.get('metricAlarm', 'cpu-high')!;
    assert.equal(created.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(created.StateReason, 'Unchecked: Initial alarm creation');
    assert.equal(created.AlarmArn, 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high');
    await f.ctx.state.mutate((tx) => tx.put('metricAlarm', 'cpu-high', { ...created, StateValue: 'ALARM' }));
    f.advance(1000);
    await putMetricAlarm(f.ctx, { ...cpuHigh, Threshold: 80 });
    const updated = f.ctx.state.get('metricAlarm', 'cpu-high')!;
    assert.equal(updated.Threshold, 80);
    assert.equal(updated.StateValue, 'ALARM');
    await deleteAlarms(f.ctx, { AlarmNames: ['cpu-high'] });
    assert.equal(f.ctx.state.get('metricAlarm', 'cpu-high'), undefined);
    await assert.rejects(deleteAlarms(f.ctx, { AlarmNames: ['cpu-high'] }), code('ResourceNotFound'));
    const history = await f.ctx.metrics!.readHistory(f.ctx.partition, { AlarmName: 'cpu-high', offset: 0, limit: 10 });
    assert.deepEqual(history.map((h) => h.HistorySummary), ['Alarm "cpu-high" deleted', 'Alarm "cpu-high" updated', 'Alarm "cpu-high" created']);
  });

  it('refuses what CloudWatch refuses', async () => {
    const f = await cloudwatchFixture();
    const refused = (input: Partial<PutMetricAlarmInput>, expected = 'ValidationError') => assert.rejects(putMetricAlarm(f.ctx, { ...cpuHigh, ...input }), code(expected));
    await refused({ Period: 45 });
    await refused({ DatapointsToAlarm: 4 });
    await refused({ Statistic: undefined });
    await refused({ ExtendedStatistic: 'p99' });
    await refused({ Statistic: undefined, ExtendedStatistic: 'p101' });
    await refused({ Threshold: undefined });
    await refused({ TreatMissingData: 'sometimes' });
    await refused({ AlarmActions: ['not-an-arn'] });
    await refused({ Dimensions: [{ Name: 'a', Value: '1' }, { Name: 'a', Value: '2' }] }, 'InvalidParameterValueException');
    const math = { ...cpuHigh, Namespace: undefined, MetricName: undefined, Statistic: undefined, Period: undefined, Dimensions: undefined };
    await refused({ ...math, Metrics: [{ Id: 'e1', Expression: 'm1 +' }] });
    await refused({ ...math, Metrics: [{ Id: 'e1', Expression: 'm1 * 2', ReturnData: false }] });
    await putMetricAlarm(f.ctx, {
      ...math,
      Metrics: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: 'App', MetricName: 'Errors', Dimensions: [] }, Period: 60, Stat: 'Sum' }, ReturnData: false },
        { Id: 'e1', Expression: 'm1 * 2' },
      ],
    });
    assert.equal(f.ctx.state.get('metricAlarm', 'cpu-high')!.Metrics!.length, 2);
  });
});
