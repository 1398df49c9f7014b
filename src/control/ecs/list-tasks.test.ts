import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { createService } from './create-service.js';
import { listTasks } from './list-tasks.js';
import { runTask } from './run-task.js';
import { startTask } from './start-task.js';
import { stopTask } from './stop-task.js';

let f: Fixture;
let i1: ContainerInstanceRecord;
const arns: Record<string, string> = {};

before(async () => {
  f = await fixture();
  const cluster = await putCluster(f.ctx);
  i1 = await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 4096 });
  await putInstance(f.ctx, cluster, 'i2', { memoryMiB: 4096 });
  await putTaskDefinition(f.ctx, 'web');
  await putTaskDefinition(f.ctx, 'batch');
  const start = async (name: string, family: string, extra: { startedBy?: string; group?: string } = {}) => {
    const { tasks = [] } = await startTask(f.ctx, { taskDefinition: family, containerInstances: [name === 'svc' ? 'i2' : 'i1'], ...extra });
    arns[name] = tasks[0]!.taskArn!;
  };
  await start('web', 'web');
  await start('job', 'batch', { startedBy: 'cron' });
  await createService(f.ctx, { serviceName: 'api', taskDefinition: 'web', desiredCount: 0 }, f.call);
  await start('svc', 'web', { group: 'service:api' });
  await start('old', 'web');
  await stopTask(f.ctx, { task: arns.old! });
  // Another cluster's tasks never show here.
  const other = await putCluster(f.ctx, 'other');
  await putInstance(f.ctx, other, 'o1');
  await runTask(f.ctx, { cluster: 'other', taskDefinition: 'web' });
});

const list = async (input: Parameters<typeof listTasks>[1]) => ((await listTasks(f.ctx, input)).taskArns ?? []).sort();
const of = (...names: string[]) => names.map((n) => arns[n]!).sort();

test('RUNNING-desired tasks by default; STOPPED lists the stopped; PENDING lists none', async () => {
  assert.deepEqual(await list({}), of('web', 'job', 'svc'));
  assert.deepEqual(await list({ desiredStatus: 'STOPPED' }), of('old'));
  assert.deepEqual(await list({ desiredStatus: 'PENDING' }), []);
});

test('filters: family, container instance, startedBy, service, launch type', async () => {
  assert.deepEqual(await list({ family: 'web' }), of('web', 'svc'));
  assert.deepEqual(await list({ containerInstance: 'i1' }), of('web', 'job'));
  assert.deepEqual(await list({ containerInstance: i1.containerInstanceArn, family: 'batch' }), of('job'));
  assert.deepEqual(await list({ startedBy: 'cron' }), of('job'));
  assert.deepEqual(await list({ startedBy: 'cron', desiredStatus: 'STOPPED' }), []);
  assert.deepEqual(await list({ serviceName: 'api' }), of('svc'));
  await assert.rejects(list({ serviceName: 'nope' }), { code: 'ServiceNotFoundException', message: 'Service not found.' });
  assert.deepEqual(await list({ launchType: 'EC2', family: 'batch' }), of('job'));
  assert.deepEqual(await list({ launchType: 'FARGATE' }), []);
});

test('startedBy and serviceName do not combine with other filters', async () => {
  const startedBy = { code: 'InvalidParameterException', message: 'cannot specify startedBy with other arguments' };
  await assert.rejects(listTasks(f.ctx, { startedBy: 'cron', family: 'web' }), startedBy);
  await assert.rejects(listTasks(f.ctx, { startedBy: 'cron', launchType: 'EC2' }), startedBy);
  await assert.rejects(listTasks(f.ctx, { startedBy: 'cron', serviceName: 'api' }), startedBy);
  const serviceName = { code: 'InvalidParameterException', message: 'cannot specify serviceName with other arguments' };
  await assert.rejects(listTasks(f.ctx, { serviceName: 'api', family: 'web' }), serviceName);
  await assert.rejects(listTasks(f.ctx, { serviceName: 'api', containerInstance: 'i2' }), serviceName);
});

test('pages with maxResults and nextToken', async () => {
  const first = await listTasks(f.ctx, { maxResults: 2 });
  assert.equal(first.taskArns!.length, 2);
  assert.ok(first.nextToken);
  const second = await listTasks(f.ctx, { maxResults: 2, nextToken: first.nextToken });
  assert.equal(second.taskArns!.length, 1);
  assert.equal(second.nextToken, undefined);
  assert.deepEqual([...first.taskArns!, ...second.taskArns!].sort(), of('web', 'job', 'svc'));
  await assert.rejects(listTasks(f.ctx, { nextToken: 'garbage' }), { code: 'InvalidParameterException' });
  await assert.rejects(listTasks(f.ctx, { maxResults: 101 }), { code: 'InvalidParameterException' });
});

test('the cluster must exist', async () => {
  await assert.rejects(listTasks(f.ctx, { cluster: 'nope' }), { code: 'ClusterNotFoundException', message: 'Cluster not found.' });
});
