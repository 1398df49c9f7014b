import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeContainerInstances } from './describe-container-instances.js';
import { fixture, populated, putTask } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';

test('DescribeContainerInstances computes remaining resources and task counts from the tasks on the instance', async () => {
  const f = await fixture();
  const where = await populated(f);
  const ports = await registerTaskDefinition(
    f.ctx,
    { family: 'ports', containerDefinitions: [{ name: 'p', image: 'i', cpu: 128, memory: 256, portMappings: [{ containerPort: 80, hostPort: 8080 }] }] },
    f.call,
  );
  const on = { ...where, instanceArn: where.instanceArn };
  await putTask(f.ctx, on);
  await putTask(f.ctx, { ...on, taskDefinitionArn: ports.taskDefinition!.taskDefinitionArn! }, { lastStatus: 'PENDING', desiredStatus: 'RUNNING' });
  await putTask(f.ctx, on, { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });

  const { containerInstances, failures } = await describeContainerInstances(f.ctx, { containerInstances: [where.instanceArn] });
  assert.deepEqual(failures, []);
  const i = containerInstances![0]!;
  const remaining = new Map(i.remainingResources?.map((r) => [r.name, r]));
  assert.equal(remaining.get('CPU')?.integerValue, 2048 - 256 - 128);
  assert.equal(remaining.get('MEMORY')?.integerValue, 4096 - 512 - 256);
  assert.ok(remaining.get('PORTS')?.stringSetValue?.includes('8080'));
  assert.equal(i.runningTasksCount, 2, 'desired RUNNING');
  assert.equal(i.pendingTasksCount, 1);
  assert.equal(i.tags, undefined);
  assert.equal(i.healthStatus, undefined);
});

test('DescribeContainerInstances adds tags and health when asked, and answers unknown instances as MISSING', async () => {
  const f = await fixture();
  const where = await populated(f);
  const missing = 'f'.repeat(32);
  const { containerInstances, failures } = await describeContainerInstances(f.ctx, {
    containerInstances: [where.instanceArn.split('/').at(-1)!, missing],
    include: ['TAGS', 'CONTAINER_INSTANCE_HEALTH'],
  });
  assert.deepEqual(containerInstances?.[0]?.tags, []);
  assert.equal(containerInstances?.[0]?.healthStatus?.overallStatus, 'INSUFFICIENT_DATA');
  assert.deepEqual(failures, [{ arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/default/${missing}`, reason: 'MISSING' }]);
});

test('DescribeContainerInstances refuses an empty list and unknown clusters', async () => {
  const f = await fixture();
  await populated(f);
  await assert.rejects(describeContainerInstances(f.ctx, { containerInstances: [] }), { code: 'ClientException' });
  await assert.rejects(describeContainerInstances(f.ctx, { cluster: 'nope', containerInstances: ['x'] }), { code: 'ClusterNotFoundException' });
});
