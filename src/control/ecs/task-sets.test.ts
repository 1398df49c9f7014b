import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { createService } from './create-service.js';
import { describeServices } from './describe-services.js';
import { fixture, populated, putInstance, type Fixture } from './fixtures.js';
import { ServiceController } from './service-controller.js';
import { createTaskSet, deleteTaskSet, describeTaskSets, updateServicePrimaryTaskSet, updateTaskSet } from './task-sets.js';
import { updateService } from './update-service.js';

let f: Fixture;
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/default';
const at = { cluster: 'default', service: 'ext' };

beforeEach(async () => {
  f = await fixture();
  await populated(f);
  await createService(f.ctx, { serviceName: 'ext', desiredCount: 4, deploymentController: { type: 'EXTERNAL' } }, f.call);
});

test('an EXTERNAL service starts with no deployment and no task set; task sets take its task definition', async () => {
  const { services } = await describeServices(f.ctx, { services: ['ext'] });
  assert.deepEqual([services![0]!.deploymentController, services![0]!.deployments, services![0]!.taskSets], [{ type: 'EXTERNAL' }, [], []]);
  const { taskSet } = await createTaskSet(f.ctx, { ...at, taskDefinition: 'web', scale: { value: 50, unit: 'PERCENT' }, externalId: 'blue' });
  assert.match(taskSet!.taskSetArn!, /:task-set\/default\/ext\/ecs-svc\/\d{19}$/);
  assert.deepEqual([taskSet!.status, taskSet!.computedDesiredCount, taskSet!.stabilityStatus, taskSet!.externalId], ['ACTIVE', 2, 'STABILIZING', 'blue']);
  await updateServicePrimaryTaskSet(f.ctx, { ...at, primaryTaskSet: taskSet!.id! });
  const { services: after } = await describeServices(f.ctx, { services: ['ext'] });
  assert.equal(after![0]!.taskSets![0]!.status, 'PRIMARY');
  assert.match(after![0]!.taskDefinition!, /task-definition\/web:1$/);
});

test('the scheduler keeps each task set at its share of the desired count, rounded up', async () => {
  const controller = new ServiceController(f.ctx);
  await putInstance(f.ctx, f.ctx.state.get('cluster', CLUSTER_ARN)!, 'i1', { memoryMiB: 16_384 });
  const { taskSet: a } = await createTaskSet(f.ctx, { ...at, taskDefinition: 'web' });
  const { taskSet: b } = await createTaskSet(f.ctx, { ...at, taskDefinition: 'web', scale: { value: 10, unit: 'PERCENT' } });
  const serviceArn = a!.serviceArn!;
  assert.equal((await controller.reconcile(serviceArn)).launched, 5); // 4 + ceil(0.4)
  const counts = async () => (await describeTaskSets(f.ctx, at)).taskSets!.map((ts) => [ts.computedDesiredCount, ts.pendingCount]);
  assert.deepEqual(await counts(), [[4, 4], [1, 1]]);
  await updateTaskSet(f.ctx, { ...at, taskSet: a!.taskSetArn!, scale: { value: 0, unit: 'PERCENT' } });
  assert.equal((await controller.reconcile(serviceArn)).stopped, 4);
  await deleteTaskSet(f.ctx, { ...at, taskSet: a!.id! });
  await assert.rejects(deleteTaskSet(f.ctx, { ...at, taskSet: b!.id! }), { name: 'InvalidParameterException', message: /scaled down to zero/ });
  await deleteTaskSet(f.ctx, { ...at, taskSet: b!.id!, force: true });
  assert.equal((await controller.reconcile(serviceArn)).stopped, 1);
});

test('bad input: task sets on other controllers, the five task set quota, unknown task sets, EXTERNAL options', async () => {
  await createService(f.ctx, { serviceName: 'ecs', taskDefinition: 'web', desiredCount: 0 }, f.call);
  await assert.rejects(createTaskSet(f.ctx, { cluster: 'default', service: 'ecs', taskDefinition: 'web' }), { name: 'InvalidParameterException', message: /external deployment controllers/ });
  assert.deepEqual(await describeTaskSets(f.ctx, { cluster: 'default', service: 'ecs', taskSets: ['ts-1'] }), { taskSets: [], failures: [{ arn: 'ts-1', reason: 'MISSING' }] });
  await assert.rejects(createTaskSet(f.ctx, { cluster: 'default', service: 'nope', taskDefinition: 'web' }), { name: 'ServiceNotFoundException' });
  await assert.rejects(updateTaskSet(f.ctx, { ...at, taskSet: 'ecs-svc/1', scale: { value: 1, unit: 'PERCENT' } }), { name: 'TaskSetNotFoundException' });
  await assert.rejects(createTaskSet(f.ctx, { ...at, taskDefinition: 'web', scale: { value: 101, unit: 'PERCENT' } }), { name: 'InvalidParameterException' });
  // A retry with the same clientToken answers the same task set; the token with another request is refused.
  const first = await createTaskSet(f.ctx, { ...at, taskDefinition: 'web', clientToken: 'retry-1' });
  assert.equal((await createTaskSet(f.ctx, { ...at, taskDefinition: 'web', clientToken: 'retry-1' })).taskSet!.id, first.taskSet!.id);
  await assert.rejects(createTaskSet(f.ctx, { ...at, taskDefinition: 'web', externalId: 'other', clientToken: 'retry-1' }), { name: 'InvalidParameterException', message: 'Creation of task set was not idempotent.' });
  for (let i = 0; i < 4; i++) await createTaskSet(f.ctx, { ...at, taskDefinition: 'web' });
  await assert.rejects(createTaskSet(f.ctx, { ...at, taskDefinition: 'web' }), { name: 'InvalidParameterException', message: /exceeds the maximum limit/ });
  await assert.rejects(createService(f.ctx, { serviceName: 'x', taskDefinition: 'web', desiredCount: 1, deploymentController: { type: 'EXTERNAL' } }, f.call), { name: 'InvalidParameterException' });
  await assert.rejects(updateService(f.ctx, { service: 'ext', taskDefinition: 'web' }), { name: 'InvalidParameterException', message: /EXTERNAL/ });
  assert.equal((await updateService(f.ctx, { service: 'ext', desiredCount: 2 })).service!.desiredCount, 2);
});

test('a CODE_DEPLOY service runs its revision as its PRIMARY task set; a new revision is refused as AWS CodeDeploy\'s to deploy; task set calls are refused', async () => {
  const controller = new ServiceController(f.ctx);
  await putInstance(f.ctx, f.ctx.state.get('cluster', CLUSTER_ARN)!, 'i1', { memoryMiB: 16_384 });
  const { service } = await createService(f.ctx, { serviceName: 'cd', taskDefinition: 'web', desiredCount: 2, deploymentController: { type: 'CODE_DEPLOY' } }, f.call);
  const cd = { cluster: 'default', service: 'cd' };
  assert.deepEqual([service!.deploymentController, service!.deployments, service!.taskSets!.map((ts) => [ts.status, ts.computedDesiredCount, ts.scale?.value])], [{ type: 'CODE_DEPLOY' }, [], [['PRIMARY', 2, 100]]]);
  assert.match(service!.taskSets![0]!.taskDefinition!, /task-definition\/web:1$/);
  assert.equal((await controller.reconcile(service!.serviceArn!)).launched, 2);
  assert.deepEqual((await describeTaskSets(f.ctx, cd)).taskSets!.map((ts) => [ts.status, ts.pendingCount]), [['PRIMARY', 2]]);
  const codeDeploy = (what: string) => ({ name: 'InvalidParameterException', message: `Unable to ${what} on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.` });
  await assert.rejects(updateService(f.ctx, { ...cd, taskDefinition: 'web' }), codeDeploy('update task definition'));
  await assert.rejects(updateService(f.ctx, { ...cd, forceNewDeployment: true }), codeDeploy('force a new deployment'));
  await assert.rejects(createTaskSet(f.ctx, { ...cd, taskDefinition: 'web' }), { name: 'InvalidParameterException', message: /external deployment controllers/ });
  await assert.rejects(updateServicePrimaryTaskSet(f.ctx, { ...cd, primaryTaskSet: service!.taskSets![0]!.id! }), { name: 'InvalidParameterException', message: /external deployment controllers/ });
  // What stays the service's own: its desired count (the task set follows), its deployment configuration.
  const updated = await updateService(f.ctx, { ...cd, desiredCount: 3, deploymentConfiguration: { minimumHealthyPercent: 50 }, healthCheckGracePeriodSeconds: 5 });
  assert.deepEqual([updated.service!.desiredCount, updated.service!.deploymentConfiguration!.minimumHealthyPercent, updated.service!.healthCheckGracePeriodSeconds], [3, 50, 5]);
  assert.equal((await controller.reconcile(service!.serviceArn!)).launched, 1);
  await assert.rejects(updateService(f.ctx, { ...cd, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 } }), { name: 'InvalidParameterException', message: /only supported with the ECS deployment controller/ });
  await assert.rejects(createService(f.ctx, { serviceName: 'ext-bg', desiredCount: 1, deploymentController: { type: 'EXTERNAL' }, deploymentConfiguration: { strategy: 'CANARY' } }, f.call), { name: 'InvalidParameterException', message: /CANARY deployment strategy is only supported/ });
  await assert.rejects(createService(f.ctx, { serviceName: 'cd-daemon', taskDefinition: 'web', schedulingStrategy: 'DAEMON', deploymentController: { type: 'CODE_DEPLOY' } }, f.call), { name: 'InvalidParameterException', message: /DAEMON/ });
});
