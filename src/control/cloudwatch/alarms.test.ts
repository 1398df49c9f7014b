// Alarms through their control functions: PutMetricAlarm's checks, updates that keep the state, deletion; a
// state change's event on the default bus and its SNS actions' history.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsError } from '../../core/errors.js';
import { compileEventPattern } from '../../core/event-pattern.js';
import { busQueue } from '../events/bus-queue.js';
import { disableAlarmActions } from './alarm-actions.js';
import { deleteAlarms } from './delete-alarms.js';
import { cloudwatchFixture } from './fixtures.js';
import { putMetricAlarm, type PutMetricAlarmInput } from './put-metric-alarm.js';
import { setAlarmState } from './set-alarm-state.js';

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

describe('what a state change does besides the state', () => {
  it('sends CloudWatch Alarm State Change to the default bus and records each SNS action as failed', async () => {
    const f = await cloudwatchFixture();
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    await putMetricAlarm(f.ctx, { ...cpuHigh, AlarmDescription: 'CPU too high', AlarmActions: [topic, ...cpuHigh.AlarmActions!], OKActions: [topic] });
    busQueue(f.ctx).take();
    f.advance(1000);
    await setAlarmState(f.ctx, { AlarmName: 'cpu-high', StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"version":"1.0"}' });
    const [event, ...others] = busQueue(f.ctx).take().map((e) => e.event);
    assert.equal(others.length, 0);
    assert.equal(event!['detail-type'], 'CloudWatch Alarm State Change');
    assert.equal(event!.source, 'aws.cloudwatch');
    assert.deepEqual(event!.resources, ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:cpu-high']);
    const detail = event!.detail as Record<string, any>;
    assert.equal(detail.alarmName, 'cpu-high');
    assert.deepEqual({ ...detail.state, timestamp: undefined }, { value: 'ALARM', reason: 'testing', reasonData: '{"version":"1.0"}', timestamp: undefined });
    assert.match(detail.state.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(detail.previousState.value, 'INSUFFICIENT_DATA');
    assert.equal(detail.previousState.reason, 'Unchecked: Initial alarm creation');
    assert.equal(detail.configuration.description, 'CPU too high');
    // As a rule would match it (AWS's documented pattern for alarms going into ALARM).
    const rule = compileEventPattern('{"source":["aws.cloudwatch"],"detail-type":["CloudWatch Alarm State Change"],"detail":{"state":{"value":["ALARM"]},"previousState":{"value":["INSUFFICIENT_DATA","OK"]}}}');
    assert.ok(rule.matches(JSON.parse(JSON.stringify(event))));
    assert.deepEqual(detail.configuration.metrics[0].metricStat, {
      metric: { namespace: 'AWS/ECS', name: 'CPUUtilization', dimensions: { ClusterName: 'default' } }, period: 60, stat: 'Average',
    });
    const [action, update] = await f.ctx.metrics!.readHistory(f.ctx.partition, { AlarmName: 'cpu-high', offset: 0, limit: 2 });
    assert.equal(update!.HistoryItemType, 'StateUpdate');
    assert.equal(action!.HistoryItemType, 'Action');
    assert.equal(action!.HistorySummary, `Failed to execute action ${topic}. Received error: "Topic does not exist"`);
    assert.equal(JSON.parse(action!.HistoryData).actionState, 'Failed');

    // Actions disabled: the event still goes out (AWS sends it always), no action is taken.
    await disableAlarmActions(f.ctx, { AlarmNames: ['cpu-high'] });
    await setAlarmState(f.ctx, { AlarmName: 'cpu-high', StateValue: 'OK', StateReason: 'back' });
    assert.equal(busQueue(f.ctx).take().length, 1);
    const types = (await f.ctx.metrics!.readHistory(f.ctx.partition, { AlarmName: 'cpu-high', offset: 0, limit: 1 })).map((h) => h.HistoryItemType);
    assert.deepEqual(types, ['StateUpdate']);
  });
});
