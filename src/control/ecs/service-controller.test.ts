// The service controller over a real state (in-memory SQLite) with a fake clock: plans applied, tasks
// placed and started through the agents' reports, deployments rolled out, failed and rolled back.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { ClusterRecord, ContainerInstanceRecord, TaskRecord } from '../../core/ecs.js';
import { createService } from './create-service.js';
import { deleteCluster } from './delete-cluster.js';
import { listTagsForResource } from './list-tags-for-resource.js';
import { tagResource } from './tag-resource.js';
import { untagResource } from './untag-resource.js';
import { deleteService } from './delete-service.js';
import { describeServices } from './describe-services.js';
import { describeServiceDeployments } from './describe-service-deployments.js';
import { describeServiceRevisions } from './describe-service-revisions.js';
import { IMAGE, fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { listServiceDeployments } from './list-service-deployments.js';
import { listServices } from './list-services.js';
import { submitTaskStateChange } from './submit-task-state-change.js';
import { updateService } from './update-service.js';
import { ServiceController, SERVICE_CONTROLLER_DEFAULTS } from './service-controller.js';
import { tasksByService } from './indexes.js';

let f: Fixture;
let cluster: ClusterRecord;
let controller: ServiceController;
const SETTLE = SERVICE_CONTROLLER_DEFAULTS.settleMs;
const checked: ContainerDefinition[] = [{ name: 'app', image: IMAGE, memory: 128, healthCheck: { command: ['CMD-SHELL', 'true'] } }];

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
  controller = new ServiceController(f.ctx);
});

const serviceArn = (name: string) => `arn:aws:ecs:us-east-1:123456789012:service/default/${name}`;
const describe1 = async (name: string) => (await describeServices(f.ctx, { services: [name], include: ['TAGS'] })).services![0]!;
const tasksOf = (name: string) => f.ctx.state.where(tasksByService, serviceArn(name));
const live = (name: string) => tasksOf(name).filter((t) => t.lastStatus !== 'STOPPED');
const reconcile = (name: string) => controller.reconcile(serviceArn(name));

/** What an agent reports once a task's containers run. */
async function run(task: TaskRecord): Promise<void> {
  await submitTaskStateChange(f.ctx, {
    task: task.taskArn,
    status: 'RUNNING',
    containers: task.containers.map((c) => ({ containerName: c.name, status: 'RUNNING' })),
  });
}
async function stop(task: TaskRecord, reason?: string): Promise<void> {
  await submitTaskStateChange(f.ctx, { task: task.taskArn, status: 'STOPPED', reason, containers: task.containers.map((c) => ({ containerName: c.name, status: 'STOPPED', ...(reason ? { reason } : { exitCode: 0 }) })) });
}
async function healthy(task: TaskRecord): Promise<void> {
  await f.ctx.state.mutate((tx) => {
    const t = tx.get('task', task.taskArn)!;
    tx.put('task', t.taskArn, { ...t, healthStatus: 'HEALTHY', containers: t.containers.map((c) => ({ ...c, healthStatus: 'HEALTHY' })) });
  });
}
/** Every live task of a service reported RUNNING and HEALTHY. */
async function runAll(name: string): Promise<void> {
  for (const t of live(name)) {
    if (t.desiredStatus === 'STOPPED') await stop(t);
    else if (t.lastStatus !== 'RUNNING') {
      await run(t);
      await healthy(t);
    }
  }
}

describe('a REPLICA service', () => {
  let i1: ContainerInstanceRecord;
  let i2: ContainerInstanceRecord;
  beforeEach(async () => {
    i1 = await putInstance(f.ctx, cluster, 'i1', { zone: 'us-east-1a' });
    i2 = await putInstance(f.ctx, cluster, 'i2', { zone: 'us-east-1b' });
    await putTaskDefinition(f.ctx, 'web', checked);
  });

  test('starts its tasks spread across zones, counts them as they run, and reaches a steady state', async () => {
    const { service } = await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 3, tags: [{ key: 'team', value: 'a' }] }, f.call);
    assert.deepEqual([service!.status, service!.desiredCount, service!.runningCount, service!.pendingCount], ['ACTIVE', 3, 0, 0]);
    const [deployment] = service!.deployments!;
    assert.match(deployment!.id!, /^ecs-svc\/\d{19}$/);
    assert.deepEqual([deployment!.status, deployment!.rolloutState, deployment!.rolloutStateReason], ['PRIMARY', 'IN_PROGRESS', `ECS deployment ${deployment!.id} in progress.`]);

    const applied = await reconcile('web');
    assert.equal(applied.launched, 3);
    const tasks = live('web');
    assert.deepEqual(tasks.map((t) => [t.group, t.startedBy]), Array(3).fill(['service:web', deployment!.id]));
    const perInstance = [i1, i2].map((i) => tasks.filter((t) => t.containerInstanceArn === i.containerInstanceArn).length).sort();
    assert.deepEqual(perInstance, [1, 2]);
    const pending = await describe1('web');
    assert.deepEqual([pending.runningCount, pending.pendingCount, pending.deployments![0]!.pendingCount], [0, 3, 3]);
    assert.match(pending.events![0]!.message!, /^\(service web\) has started 3 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/);
    assert.match(pending.events![0]!.id!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(pending.tags, [{ key: 'team', value: 'a' }]);

    await runAll('web');
    assert.equal((await reconcile('web')).launched, 0);
    const steady = await describe1('web');
    assert.deepEqual([steady.runningCount, steady.pendingCount], [3, 0]);
    assert.deepEqual(steady.deployments!.map((d) => [d.rolloutState, d.runningCount]), [['COMPLETED', 3]]);
    assert.deepEqual(steady.events!.slice(0, 2).map((e) => e.message), ['(service web) has reached a steady state.', `(service web) (deployment ${deployment!.id}) deployment completed.`]);
    const { serviceDeployments } = await listServiceDeployments(f.ctx, { service: 'web' });
    assert.deepEqual(serviceDeployments!.map((d) => d.status), ['SUCCESSFUL']);
    const before = steady.events!.length;
    await reconcile('web');
    assert.equal((await describe1('web')).events!.length, before, 'a steady state is said once');
  });

  test('replaces a task that stops', async () => {
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }, f.call);
    await reconcile('web');
    await runAll('web');
    f.advance(SETTLE);
    await reconcile('web');
    const [victim] = live('web');
    await stop(victim!);
    const applied = await reconcile('web');
    assert.equal(applied.launched, 1);
    assert.equal(live('web').length, 2);
    assert.equal(f.ctx.state.get('task', victim!.taskArn)!.serviceAccounted, true);
  });

  test('says why it cannot place a task', async () => {
    await putTaskDefinition(f.ctx, 'huge', [{ name: 'app', image: IMAGE, memory: 100_000 }]);
    await createService(f.ctx, { serviceName: 'huge', taskDefinition: 'huge', desiredCount: 1 }, f.call);
    const applied = await reconcile('huge');
    assert.equal(applied.launched, 0);
    assert.equal(applied.requeueAfterMs, SERVICE_CONTROLLER_DEFAULTS.placementRetryMs);
    const { events } = await describe1('huge');
    assert.match(events![0]!.message!, /^\(service huge\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance i[12]\) has insufficient memory available\. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide\.$/);
    await reconcile('huge');
    assert.equal((await describe1('huge')).events!.length, 1, 'the same event is not repeated');
  });

  test('rolls out a new task definition: replacements first, then the old tasks go, and the old deployment is dropped', async () => {
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }, f.call);
    await reconcile('web');
    await runAll('web');
    await reconcile('web');
    await putTaskDefinition(f.ctx, 'web', checked, { revision: 2 });
    const { service } = await updateService(f.ctx, { service: 'web', taskDefinition: 'web:2' });
    assert.deepEqual(service!.deployments!.map((d) => [d.status, d.taskDefinition?.split('/')[1]]), [['PRIMARY', 'web:2'], ['ACTIVE', 'web:1']]);
    assert.equal((await reconcile('web')).launched, 2, 'min 100 / max 200: two more first');
    assert.equal(live('web').filter((t) => t.desiredStatus === 'STOPPED').length, 0);
    await runAll('web');
    assert.equal((await reconcile('web')).stopped, 2);
    await runAll('web');
    await reconcile('web');
    const done = await describe1('web');
    assert.deepEqual(done.deployments!.map((d) => [d.status, d.rolloutState, d.runningCount]), [['PRIMARY', 'COMPLETED', 2]]);
    const { serviceDeployments = [] } = await listServiceDeployments(f.ctx, { service: 'web' });
    assert.deepEqual(serviceDeployments.map((d) => d.status), ['SUCCESSFUL', 'SUCCESSFUL']);
    const [latest] = (await describeServiceDeployments(f.ctx, { serviceDeploymentArns: [serviceDeployments[0]!.serviceDeploymentArn!] })).serviceDeployments!;
    assert.equal(latest!.targetServiceRevision!.runningTaskCount, 2);
    assert.equal(latest!.sourceServiceRevisions!.length, 1);
    const { serviceRevisions } = await describeServiceRevisions(f.ctx, { serviceRevisionArns: [latest!.targetServiceRevision!.arn!, 'arn:aws:ecs:us-east-1:123456789012:service-revision/default/web/1'] });
    assert.match(serviceRevisions![0]!.taskDefinition!, /web:2$/);
  });

  test('forceNewDeployment replaces every task with the same task definition', async () => {
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }, f.call);
    await reconcile('web');
    await runAll('web');
    await reconcile('web');
    const before = live('web').map((t) => t.taskArn);
    const { service } = await updateService(f.ctx, { service: 'web', forceNewDeployment: true });
    assert.equal(service!.deployments!.length, 2);
    assert.equal(service!.deployments![0]!.taskDefinition, service!.deployments![1]!.taskDefinition);
    for (let round = 0; round < 4; round++) {
      await reconcile('web');
      await runAll('web');
    }
    await reconcile('web');
    assert.ok(live('web').every((t) => !before.includes(t.taskArn)));
    assert.deepEqual((await describe1('web')).deployments!.map((d) => d.rolloutState), ['COMPLETED']);
  });

  test('a circuit breaker fails a broken deployment and rolls back to the last completed one', async () => {
    const breaker = { deploymentCircuitBreaker: { enable: true, rollback: true } };
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2, deploymentConfiguration: breaker }, f.call);
    await reconcile('web');
    await runAll('web');
    await reconcile('web');
    await putTaskDefinition(f.ctx, 'web', [{ name: 'app', image: 'no-such-image', memory: 64 }], { revision: 2 });
    await updateService(f.ctx, { service: 'web', taskDefinition: 'web:2' });
    for (let round = 0; round < 3 && (await describe1('web')).deployments![0]!.taskDefinition!.endsWith(':2'); round++) {
      await reconcile('web');
      for (const t of live('web').filter((t) => t.taskDefinitionArn.endsWith(':2'))) await stop(t, 'CannotPullContainerError: pull access denied');
    }
    await reconcile('web');
    const rolledBack = await describe1('web');
    assert.match(rolledBack.taskDefinition!, /web:1$/);
    assert.deepEqual(rolledBack.deployments!.map((d) => [d.taskDefinition!.split('/')[1], d.rolloutState]), [['web:1', 'COMPLETED']]);
    const messages = rolledBack.events!.map((e) => e.message!);
    assert.ok(messages.some((m) => /\(deployment ecs-svc\/\d+\) deployment failed: tasks failed to start\.$/.test(m)));
    assert.ok(messages.some((m) => /rolling back to deployment ecs-svc\/\d+\.$/.test(m)));
    const { serviceDeployments = [] } = await listServiceDeployments(f.ctx, { service: 'web' });
    assert.deepEqual(serviceDeployments.map((d) => d.status), ['ROLLBACK_SUCCESSFUL', 'SUCCESSFUL']);
    const [failed] = (await describeServiceDeployments(f.ctx, { serviceDeploymentArns: [serviceDeployments[0]!.serviceDeploymentArn!] })).serviceDeployments!;
    assert.deepEqual([failed!.deploymentCircuitBreaker!.status, failed!.deploymentCircuitBreaker!.threshold], ['TRIGGERED', 3]);
    assert.equal(failed!.rollback!.reason, 'ECS deployment circuit breaker: tasks failed to start.');
  });

  test('is deleted: DRAINING while its tasks stop, then INACTIVE, then forgotten', async () => {
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }, f.call);
    await reconcile('web');
    await runAll('web');
    await assert.rejects(deleteService(f.ctx, { service: 'web' }), { code: 'InvalidParameterException', message: 'The service cannot be stopped while it is scaled above 0.' });
    const { service } = await deleteService(f.ctx, { service: 'web', force: true });
    assert.deepEqual([service!.status, service!.desiredCount], ['DRAINING', 0]);
    assert.deepEqual((await listServices(f.ctx, {})).serviceArns, []);
    await reconcile('web');
    assert.ok(live('web').every((t) => t.desiredStatus === 'STOPPED'));
    await runAll('web');
    await reconcile('web');
    assert.equal((await describe1('web')).status, 'INACTIVE');
    await assert.rejects(updateService(f.ctx, { service: 'web', desiredCount: 1 }), { code: 'ServiceNotActiveException' });
    f.advance(SERVICE_CONTROLLER_DEFAULTS.inactiveRetentionMs);
    await reconcile('web');
    assert.deepEqual((await describeServices(f.ctx, { services: ['web'] })).failures, [{ arn: serviceArn('web'), reason: 'MISSING' }]);
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 0 }, f.call);
  });

  test('replaces the tasks of an instance whose agent is lost', async () => {
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2, placementStrategy: [{ type: 'binpack', field: 'memory' }] }, f.call);
    await reconcile('web');
    await runAll('web');
    const host = live('web')[0]!.containerInstanceArn!;
    f.advance(SERVICE_CONTROLLER_DEFAULTS.reconnectGraceMs); // long after the control plane started
    await f.ctx.state.mutate((tx) => {
      const i = tx.get('containerInstance', host)!;
      tx.put('containerInstance', host, { ...i, agentConnected: false, agentDisconnectedAt: f.ctx.clock.now() });
    });
    assert.equal((await reconcile('web')).requeueAfterMs, SERVICE_CONTROLLER_DEFAULTS.lostAfterMs);
    f.advance(SERVICE_CONTROLLER_DEFAULTS.lostAfterMs);
    assert.equal((await reconcile('web')).launched, 2);
    const stopped = tasksOf('web').filter((t) => t.containerInstanceArn === host);
    assert.deepEqual(stopped.map((t) => [t.lastStatus, t.stopCode]), [['STOPPED', 'ServiceSchedulerInitiated'], ['STOPPED', 'ServiceSchedulerInitiated']]);
    assert.ok(live('web').every((t) => t.containerInstanceArn !== host));
  });
});

describe('the loop', () => {
  test('plans a service as soon as it changes, and stops when told', async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await putTaskDefinition(f.ctx, 'web', checked);
    const stopping = new AbortController();
    const loop = new ServiceController(f.ctx, { resyncMs: 60_000 }).run(stopping.signal);
    await createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 2 }, f.call);
    await until(() => live('web').length === 2);
    await updateService(f.ctx, { service: 'web', desiredCount: 3 });
    await until(() => live('web').length === 3);
    stopping.abort();
    await loop;
  });
});

/** Moves the clock past the controller's debounce until a condition of the state holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i > 500) throw new Error('condition never met');
    f.advance(SERVICE_CONTROLLER_DEFAULTS.debounceMs);
    await new Promise((r) => setImmediate(r));
  }
}

describe('a DAEMON service', () => {
  test('runs one task on every ACTIVE instance, a new one gets its own, a draining one loses it', async () => {
    await putTaskDefinition(f.ctx, 'agent', checked);
    await putInstance(f.ctx, cluster, 'i1');
    const i2 = await putInstance(f.ctx, cluster, 'i2');
    await createService(f.ctx, { serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' }, f.call);
    await reconcile('agent');
    assert.equal(live('agent').length, 2);
    await putInstance(f.ctx, cluster, 'i3');
    await reconcile('agent');
    assert.equal(live('agent').length, 3);
    assert.equal((await describe1('agent')).desiredCount, 3);
    await f.ctx.state.mutate((tx) => tx.put('containerInstance', i2.containerInstanceArn, { ...i2, status: 'DRAINING' }));
    await reconcile('agent');
    assert.deepEqual(live('agent').filter((t) => t.containerInstanceArn === i2.containerInstanceArn).map((t) => t.desiredStatus), ['STOPPED']);
    assert.equal((await describe1('agent')).desiredCount, 2);
  });
});

describe('bad input', () => {
  beforeEach(async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await putTaskDefinition(f.ctx, 'web');
  });
  const create = (input: Partial<Parameters<typeof createService>[1]>) => createService(f.ctx, { serviceName: 'web', taskDefinition: 'web', desiredCount: 1, ...input }, f.call);
  const invalid = (message: string | RegExp) => ({ code: 'InvalidParameterException', message });

  test('unknown cluster, service or task definition', async () => {
    await assert.rejects(create({ cluster: 'nope' }), { code: 'ClusterNotFoundException' });
    await assert.rejects(create({ taskDefinition: 'nope' }), { code: 'ClientException', message: 'TaskDefinition not found.' });
    await assert.rejects(updateService(f.ctx, { service: 'nope', desiredCount: 1 }), { code: 'ServiceNotFoundException', message: 'Service not found.' });
    await assert.rejects(deleteService(f.ctx, { service: 'nope' }), { code: 'ServiceNotFoundException' });
    await assert.rejects(describeServices(f.ctx, { cluster: 'nope', services: ['web'] }), { code: 'ClusterNotFoundException' });
    await assert.rejects(listServiceDeployments(f.ctx, { service: 'nope' }), { code: 'ServiceNotFoundException' });
  });

  test('counts and percentages ECS refuses', async () => {
    await assert.rejects(create({ desiredCount: -1 }), invalid('The desired count cannot be less than 0.'));
    await assert.rejects(create({ desiredCount: undefined }), invalid(/desired count must be specified/));
    await assert.rejects(create({ deploymentConfiguration: { maximumPercent: 99 } }), invalid('maximumPercent must be at least 100.'));
    await assert.rejects(create({ deploymentConfiguration: { minimumHealthyPercent: 150, maximumPercent: 120 } }), invalid(/minimumHealthyPercent must be/));
    await assert.rejects(create({ schedulingStrategy: 'DAEMON' }), invalid('The daemon scheduling strategy does not support a desired count for services.'));
    await assert.rejects(create({ schedulingStrategy: 'DAEMON', desiredCount: undefined, placementStrategy: [{ type: 'random' }] }), invalid(/does not support placement strategies/));
    await assert.rejects(create({ placementConstraints: [{ type: 'memberOf', expression: 'attribute:x ==' }] }), { code: 'InvalidParameterException' });
    await assert.rejects(create({ serviceName: 'bad name' }), invalid(/Invalid service name/));
  });

  test('a name in use, an idempotent retry, a name still draining', async () => {
    const first = await create({ clientToken: 't1' });
    assert.deepEqual((await create({ clientToken: 't1' })).service!.serviceArn, first.service!.serviceArn);
    await assert.rejects(create({}), invalid('Creation of service was not idempotent.'));
    await reconcile('web');
    await deleteService(f.ctx, { service: 'web', force: true });
    await assert.rejects(create({}), invalid('Unable to Start a service that is still Draining.'));
  });

  test('services take tags, pass them to their tasks, and keep their cluster from being deleted', async () => {
    const { service } = await create({ tags: [{ key: 'team', value: 'a' }], propagateTags: 'SERVICE', enableECSManagedTags: true });
    const arn = service!.serviceArn!;
    await tagResource(f.ctx, { resourceArn: arn, tags: [{ key: 'env', value: 'prod' }] });
    await untagResource(f.ctx, { resourceArn: arn, tagKeys: ['team'] });
    assert.deepEqual((await listTagsForResource(f.ctx, { resourceArn: arn })).tags, [{ key: 'env', value: 'prod' }]);
    await reconcile('web');
    assert.deepEqual(live('web')[0]!.tags, [
      { key: 'env', value: 'prod' },
      { key: 'aws:ecs:serviceName', value: 'web' },
      { key: 'aws:ecs:clusterName', value: 'default' },
    ]);
    await putCluster(f.ctx, 'empty');
    await create({ cluster: 'empty', desiredCount: 0 });
    await assert.rejects(deleteCluster(f.ctx, { cluster: 'empty' }), { code: 'ClusterContainsServicesException' });
  });

  test('ListServices filters and pages', async () => {
    for (const name of ['a', 'b', 'c']) await create({ serviceName: name });
    const first = await listServices(f.ctx, { maxResults: 2 });
    assert.equal(first.serviceArns!.length, 2);
    const rest = await listServices(f.ctx, { nextToken: first.nextToken });
    assert.deepEqual([...first.serviceArns!, ...rest.serviceArns!], ['a', 'b', 'c'].map(serviceArn));
    assert.deepEqual((await listServices(f.ctx, { schedulingStrategy: 'DAEMON' })).serviceArns, []);
    assert.equal((await listServices(f.ctx, { launchType: 'EC2' })).serviceArns!.length, 3);
  });
});
