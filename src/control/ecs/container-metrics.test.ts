import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricSample } from '../../core/cloudwatch.js';
import { ContainerMetrics } from './container-metrics.js';
import { createService } from './create-service.js';
import { fixture, populated } from './fixtures.js';
import { updateClusterSettings } from './update-cluster-settings.js';

test('AWS/ECS service and cluster utilization from agents stats, and Container Insights when enabled', async () => {
  const f = await fixture();
  const { instanceArn } = await populated(f); // 2048 CPU units, 4096 MiB; web: 256 units, 512 MiB
  await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 0 }, f.call);
  const put: MetricSample[][] = [];
  f.ctx.metrics = { put: async (_p: unknown, samples: MetricSample[]) => void put.push(samples) } as never;
  // Two running tasks of the service on the instance.
  const tasks = ['a', 'b'].map((id) => `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`);
  await f.ctx.state.mutate((tx) => {
    for (const arn of tasks) {
      tx.put('task', arn, {
        taskArn: arn, clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
        lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containerInstanceArn: instanceArn, group: 'service:web', launchType: 'EC2',
        containers: [{ name: 'web', cpu: '256', memory: '512' }], tags: [], version: 1,
      } as never);
    }
  });
  const metrics = new ContainerMetrics(f.ctx);
  const at = f.ctx.clock.now().toISOString();
  const stat = (taskArn: string, cpuUnits: number, mib: number) => ({ taskArn, containerName: 'web', timestamp: at, cpuUnits, memoryBytes: mib * 1024 * 1024, networkRxBytes: 0, networkTxBytes: 0, storageReadBytes: 0, storageWriteBytes: 0 });
  metrics.record(instanceArn, [stat(tasks[0]!, 512, 128), stat(tasks[1]!, 0, 256)]);
  metrics.record('arn:aws:ecs:us-east-1:123456789012:container-instance/default/other', [stat(tasks[0]!, 9999, 9999)]); // not its task: ignored
  metrics.record(instanceArn, 'not a list');
  metrics.record(instanceArn, [{ ...stat(tasks[1]!, 0, 1), cpuUnits: Number.NaN }, null]); // malformed: ignored
  await metrics.publish();
  const find = (samples: MetricSample[], ns: string, name: string, dims: number) => samples.find((s) => s.metric.Namespace === ns && s.metric.MetricName === name && s.metric.Dimensions.length === dims)!;
  const first = put.at(-1)!;
  const serviceCpu = find(first, 'AWS/ECS', 'CPUUtilization', 2);
  // (512 + 0) / (256 + 256): 100%, tasks at 200% and 0%.
  assert.deepEqual(serviceCpu.statistics, { SampleCount: 2, Sum: 200, Minimum: 0, Maximum: 200 });
  assert.deepEqual(serviceCpu.metric.Dimensions, [{ Name: 'ClusterName', Value: 'default' }, { Name: 'ServiceName', Value: 'web' }]);
  assert.equal(find(first, 'AWS/ECS', 'MemoryUtilization', 2).statistics.Sum / 2, (384 / 1024) * 100);
  assert.equal(find(first, 'AWS/ECS', 'CPUUtilization', 1).statistics.Sum, 25); // 512 of 2048
  assert.equal(find(first, 'AWS/ECS', 'CPUReservation', 1).statistics.Sum, 25); // 512 reserved of 2048
  assert.equal(find(first, 'AWS/ECS', 'MemoryReservation', 1).statistics.Sum, 25); // 1024 of 4096
  assert.equal(first.some((s) => s.metric.Namespace === 'ECS/ContainerInsights'), false);

  await updateClusterSettings(f.ctx, { cluster: 'default', settings: [{ name: 'containerInsights', value: 'enabled' }] });
  await metrics.publish();
  const second = put.at(-1)!;
  assert.equal(find(second, 'ECS/ContainerInsights', 'CpuUtilized', 1).statistics.Sum, 512);
  assert.equal(find(second, 'ECS/ContainerInsights', 'RunningTaskCount', 2).statistics.Sum, 2);
  const container = second.find((s) => s.metric.MetricName === 'ContainerMemoryUtilized' && s.metric.Dimensions.some((d) => d.Name === 'TaskId' && d.Value === 'b'))!;
  assert.equal(container.statistics.Sum, 256);
});
