// The alarm controller on a manual clock: a 10-s alarm follows its datapoints through every transition, and a
// composite alarm follows its children.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alarmController } from './alarm-controller.js';
import { cloudwatchFixture } from './fixtures.js';
import { putCompositeAlarm } from './put-composite-alarm.js';
import { putMetricAlarm } from './put-metric-alarm.js';
import { putMetricData } from './put-metric-data.js';

test('a high-resolution alarm goes INSUFFICIENT_DATA -> ALARM -> OK, its composite parent with it', async () => {
  const f = await cloudwatchFixture();
  const stop = new AbortController();
  await putMetricAlarm(f.ctx, {
    AlarmName: 'queue-deep', Namespace: 'App', MetricName: 'Depth', Dimensions: [], Statistic: 'Average', Period: 10,
    EvaluationPeriods: 2, DatapointsToAlarm: 2, Threshold: 10, ComparisonOperator: 'GreaterThanThreshold',
  });
  await putCompositeAlarm(f.ctx, { AlarmName: 'any-trouble', AlarmRule: 'ALARM(queue-deep)' });
  const running = alarmController(f.ctx, stop.signal);
  const state = (name = 'queue-deep') => (f.ctx.state.get('metricAlarm', name) ?? f.ctx.state.get('compositeAlarm', name))!.StateValue;
  const tick = async (value?: number) => {
    if (value !== undefined) await putMetricData(f.ctx, { Namespace: 'App', MetricData: [{ MetricName: 'Depth', Value: value, StorageResolution: 1 }] });
    f.advance(10_000);
    // Lets the controller's tick run (its sleeps resolve on advance).
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  try {
    await tick();
    assert.equal(state(), 'INSUFFICIENT_DATA');
    await tick(50);
    await tick(60);
    await tick();
    assert.equal(state(), 'ALARM');
    assert.equal(JSON.parse(f.ctx.state.get('metricAlarm', 'queue-deep')!.StateReasonData!).recentDatapoints.length, 2);
    assert.equal(state('any-trouble'), 'ALARM');
    await tick(1);
    await tick();
    assert.equal(state(), 'OK');
    assert.equal(state('any-trouble'), 'OK');
  } finally {
    stop.abort();
    await running;
  }
});
