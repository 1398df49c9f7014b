// Service Connect metrics: what each proxy's counters grew by since its last report, published to AWS/ECS
// per calling service and target discovery name, and per serving service and discovery name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceConnectStats } from '../../core/agent-protocol.js';
import type { MetricSample } from '../../core/cloudwatch.js';
import type { TaskRecord } from '../../core/ecs.js';
import { createHttpNamespace } from '../servicediscovery/namespaces.js';
import { createService } from './create-service.js';
import { fixture, populated } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';
import { ServiceConnectMetrics } from './service-connect-metrics.js';

test('RequestCount and the rest: what grew since the last report, by caller and by server; a restarted proxy counts from zero', async () => {
  const f = await fixture();
  const { instanceArn } = await populated(f);
  const published: MetricSample[] = [];
  f.ctx.metrics = { put: async (_partition: unknown, samples: MetricSample[]) => void published.push(...samples) } as never;
  await createHttpNamespace(f.ctx, { Name: 'internal' });
  await registerTaskDefinition(f.ctx, { family: 'api', containerDefinitions: [{ name: 'app', image: 'x', memory: 32, portMappings: [{ containerPort: 8080, name: 'http', appProtocol: 'http' }] }] }, f.call);
  await createService(f.ctx, { serviceName: 'api', taskDefinition: 'api', desiredCount: 0, serviceConnectConfiguration: { enabled: true, namespace: 'internal', services: [{ portName: 'http', discoveryName: 'api' }] } }, f.call);
  const { service: client } = await createService(f.ctx, { serviceName: 'client', taskDefinition: 'api', desiredCount: 0, serviceConnectConfiguration: { enabled: true, namespace: 'internal' } }, f.call);
  const namespaceId = [...f.ctx.state.all('sdNamespace')][0]!.Id;
  const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/default/c1';
  await f.ctx.state.mutate((tx) => {
    tx.put('sdService', 'srv-api', { Id: 'srv-api', Arn: 'a', Name: 'api', NamespaceId: namespaceId, Type: 'HTTP', CreateDate: new Date(0), tags: [] });
    tx.put('task', taskArn, { taskArn, clusterArn: client!.clusterArn, group: 'service:client', containerInstanceArn: instanceArn, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [], tags: [], version: 1 } as unknown as TaskRecord);
  });
  const metrics = new ServiceConnectMetrics(f.ctx);
  const report = (requests: number, ok: number): ServiceConnectStats => ({
    taskArn,
    serviceId: 'srv-api',
    requests,
    responses: { '2xx': ok, '3xx': 0, '4xx': 0, '5xx': requests - ok },
    connections: requests,
    activeConnections: 1,
    bytesIn: 100 * requests,
    bytesOut: 10 * requests,
    averageResponseMs: 4,
  });
  const sums = async () => {
    await metrics.publish();
    const sum = (name: string, dimension: string) =>
      published.filter((s) => s.metric.MetricName === name && s.metric.Dimensions?.some((d) => d.Name === dimension)).reduce((n, s) => n + s.statistics.Sum, 0);
    const result = { callerRequests: sum('RequestCount', 'TargetDiscoveryName'), serverRequests: sum('RequestCount', 'DiscoveryName'), server5xx: sum('HTTPCode_Target_5XX_Count', 'DiscoveryName'), bytes: sum('ProcessedBytes', 'DiscoveryName') };
    published.length = 0;
    return result;
  };
  metrics.record(instanceArn, [report(5, 5)]);
  assert.deepEqual(await sums(), { callerRequests: 5, serverRequests: 5, server5xx: 0, bytes: 550 });
  metrics.record(instanceArn, [report(8, 7)]);
  assert.deepEqual(await sums(), { callerRequests: 3, serverRequests: 3, server5xx: 1, bytes: 330 });
  metrics.record(instanceArn, [report(2, 2)]);
  assert.deepEqual(await sums(), { callerRequests: 2, serverRequests: 2, server5xx: 0, bytes: 220 }, 'counters that went back: a new proxy');
  metrics.record('arn:aws:ecs:us-east-1:123456789012:container-instance/default/other', [report(50, 50)]);
  assert.deepEqual(await sums(), { callerRequests: 0, serverRequests: 0, server5xx: 0, bytes: 0 }, 'an agent speaks for its own tasks only');
  metrics.record(instanceArn, [report(3, 3)]);
  await metrics.publish();
  assert.deepEqual(published.filter((s) => s.metric.MetricName === 'RequestCount').map((s) => s.metric.Dimensions), [
    [{ Name: 'ClusterName', Value: 'default' }, { Name: 'ServiceName', Value: 'client' }, { Name: 'TargetDiscoveryName', Value: 'api' }],
    [{ Name: 'ClusterName', Value: 'default' }, { Name: 'ServiceName', Value: 'api' }, { Name: 'DiscoveryName', Value: 'api' }],
  ]);
});
