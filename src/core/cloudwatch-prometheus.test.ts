// The exposition read back by a real parser (parse-prometheus-text-format), names and label values encoded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import { prometheusExposition, snakeName } from './cloudwatch-prometheus.js';

test('snake_case names as cloudwatch_exporter has them', () => {
  assert.equal(snakeName('AWS/ECS'), 'aws_ecs');
  assert.equal(snakeName('CPUUtilization'), 'cpu_utilization');
  assert.equal(snakeName('HTTPCode_Target_2XX_Count'), 'http_code_target_2xx_count');
  assert.equal(snakeName('ECS/ContainerInsights'), 'ecs_container_insights');
  assert.equal(snakeName('2fast'), '_2fast');
});

test('a real parser reads every family, label and value, odd label values included', () => {
  const partition = { accountId: '123456789012', region: 'us-east-1' };
  const at = new Date(Date.UTC(2026, 0, 1));
  const text = prometheusExposition([
    { partition, timestamp: at, unit: 'Percent', metric: { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [{ Name: 'ClusterName', Value: 'default' }, { Name: 'ServiceName', Value: 'web' }] }, statistics: { SampleCount: 2, Sum: 50, Minimum: 20, Maximum: 30 } },
    { partition, timestamp: at, metric: { Namespace: 'App', MetricName: 'Odd', Dimensions: [{ Name: 'Path', Value: 'a "quoted" \\ back\nslash' }] }, statistics: { SampleCount: 1, Sum: 1.5, Minimum: 1.5, Maximum: 1.5 } },
  ]);
  const families = parsePrometheus(text);
  const cpu = families.find((f) => f.name === 'aws_ecs_cpu_utilization_average')!;
  assert.equal(cpu.type, 'GAUGE');
  assert.deepEqual(cpu.metrics[0]!.labels ?? {}, { cluster_name: 'default', service_name: 'web', region: 'us-east-1' });
  assert.equal(Number(cpu.metrics[0]!.value), 25);
  assert.equal(Number(families.find((f) => f.name === 'aws_ecs_cpu_utilization_sample_count')!.metrics[0]!.value), 2);
  const odd = families.find((f) => f.name === 'app_odd_sum')!;
  assert.equal(odd.metrics[0]!.labels?.path, 'a "quoted" \\ back\nslash');
  assert.equal(families.length, 10);
});
