import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerInstanceRecord, DeploymentRecord, ServiceRecord } from '../../core/ecs.js';
import { ecsEvents } from './ecs-events.js';
import type { Change } from '../state.js';

const ctx = { partition: { region: 'us-east-1', accountId: '123456789012' }, ids: { id: () => '0'.repeat(32) }, clock: { now: () => new Date('2026-01-01T00:00:00Z') } };
const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service/default/web';
const deployment = (rolloutState: DeploymentRecord['rolloutState'], id = 'ecs-svc/1') => ({ id, rolloutState, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' }) as DeploymentRecord;
const service = (deployments: DeploymentRecord[], events: ServiceRecord['events'] = []) => ({ serviceArn: SERVICE, clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', deployments, events }) as unknown as ServiceRecord;

test('a container instance version is an ECS Container Instance State Change without Wharf bookkeeping', () => {
  const instance = { containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/default/1', clusterArn: 'c', status: 'DRAINING', version: 2, agentConnected: true, managedCapacity: true, tags: [] } as unknown as ContainerInstanceRecord;
  const [event] = ecsEvents(ctx, [{ kind: 'containerInstance', id: 'x', before: { ...instance, version: 1 }, after: instance } as Change]);
  assert.equal(event!['detail-type'], 'ECS Container Instance State Change');
  assert.deepEqual(event!.resources, [instance.containerInstanceArn]);
  assert.deepEqual(event!.detail, { containerInstanceArn: instance.containerInstanceArn, clusterArn: 'c', status: 'DRAINING', version: 2, agentConnected: true, updatedAt: '2026-01-01T00:00:00.000Z' });
  assert.deepEqual(ecsEvents(ctx, [{ kind: 'containerInstance', id: 'x', before: instance, after: instance } as Change]), [], 'no new version, no event');
});

test('deployments and service events become ECS Deployment State Change and ECS Service Action', () => {
  const started = ecsEvents(ctx, [{ kind: 'service', id: SERVICE, before: service([]), after: service([deployment('IN_PROGRESS')]) } as Change]);
  assert.deepEqual(started.map((e) => [e['detail-type'], e.detail]), [
    ['ECS Deployment State Change', { eventType: 'INFO', eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS', deploymentId: 'ecs-svc/1', reason: 'ECS deployment ecs-svc/1 in progress.', updatedAt: '2026-01-01T00:00:00.000Z' }],
  ]);
  const steady = { id: 'e1', createdAt: new Date(), message: '(service web) has reached a steady state.' };
  const done = ecsEvents(ctx, [{ kind: 'service', id: SERVICE, before: service([deployment('IN_PROGRESS')]), after: service([deployment('COMPLETED')], [steady]) } as Change]);
  assert.deepEqual(done.map((e) => [e['detail-type'], (e.detail as { eventName: string }).eventName]), [
    ['ECS Deployment State Change', 'SERVICE_DEPLOYMENT_COMPLETED'],
    ['ECS Service Action', 'SERVICE_STEADY_STATE'],
  ]);
  assert.equal((done[1]!.detail as { clusterArn: string }).clusterArn, 'arn:aws:ecs:us-east-1:123456789012:cluster/default');
  const failed = ecsEvents(ctx, [{ kind: 'service', id: SERVICE, before: service([deployment('IN_PROGRESS')], [steady]), after: service([deployment('FAILED')], [steady]) } as Change]);
  assert.deepEqual(failed.map((e) => e.detail), [{ eventType: 'ERROR', eventName: 'SERVICE_DEPLOYMENT_FAILED', deploymentId: 'ecs-svc/1', reason: 'ECS deployment circuit breaker: tasks failed to start.', updatedAt: '2026-01-01T00:00:00.000Z' }]);
});
