import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { featureOffAnswers } from './features-off.js';
import { fixture, populated, putTask, type Fixture } from './fixtures.js';
import { createService } from './create-service.js';

let f: Fixture;
const answer = (operation: string, input: object) => featureOffAnswers[operation]!(f.ctx, input as never);

beforeEach(async () => {
  f = await fixture();
});

test('every parent is resolved first: a missing cluster is ClusterNotFoundException', async () => {
  const onMissingCluster: [string, object][] = [
    ['CreateTaskSet', { cluster: 'nope', service: 's', taskDefinition: 'web' }],
    ['DescribeTaskSets', { cluster: 'nope', service: 's' }],
    ['UpdateTaskSet', { cluster: 'nope', service: 's', taskSet: 'ts', scale: {} }],
    ['DeleteTaskSet', { cluster: 'nope', service: 's', taskSet: 'ts' }],
    ['UpdateServicePrimaryTaskSet', { cluster: 'nope', service: 's', primaryTaskSet: 'ts' }],
    ['CreateDaemon', { daemonName: 'd', clusterArn: 'nope', daemonTaskDefinitionArn: 'x', capacityProviderArns: [] }],
    ['DescribeDaemon', { daemonArn: 'arn:aws:ecs:us-east-1:123456789012:daemon/nope/d' }],
    ['ListDaemons', { clusterArn: 'nope' }],
    ['CreateExpressGatewayService', { cluster: 'nope' }],
    ['ExecuteCommand', { cluster: 'nope', task: 't', command: 'sh', interactive: true }],
    ['UpdateContainerAgent', { cluster: 'nope', containerInstance: 'i' }],
    ['SubmitAttachmentStateChanges', { cluster: 'nope', attachments: [] }],
  ];
  for (const [operation, input] of onMissingCluster) await assert.rejects(answer(operation, input), { name: 'ClusterNotFoundException' }, operation);
});

test('task sets: a missing service is ServiceNotFoundException; an ECS-controller service refuses changes and has none', async () => {
  await populated(f);
  await assert.rejects(answer('CreateTaskSet', { cluster: 'default', service: 'nope', taskDefinition: 'web' }), { name: 'ServiceNotFoundException' });
  await createService(f.ctx, { serviceName: 'svc', taskDefinition: 'web', desiredCount: 0 }, f.call);
  await assert.rejects(answer('CreateTaskSet', { cluster: 'default', service: 'svc', taskDefinition: 'web' }), {
    name: 'InvalidParameterException',
    message: /external deployment controllers/,
  });
  assert.deepEqual(await answer('DescribeTaskSets', { cluster: 'default', service: 'svc', taskSets: ['ts-1'] }), { taskSets: [], failures: [{ arn: 'ts-1', reason: 'MISSING' }] });
});

test('creating what the Region lacks is UnsupportedFeatureException; reads find nothing', async () => {
  await populated(f);
  await assert.rejects(answer('CreateDaemon', { daemonName: 'd', daemonTaskDefinitionArn: 'x', capacityProviderArns: [] }), { name: 'UnsupportedFeatureException' });
  await assert.rejects(answer('CreateExpressGatewayService', {}), { name: 'UnsupportedFeatureException' });
  await assert.rejects(answer('DescribeDaemon', { daemonArn: 'arn:aws:ecs:us-east-1:123456789012:daemon/default/d' }), { name: 'DaemonNotFoundException' });
  assert.deepEqual(await answer('ListDaemons', {}), { daemonSummariesList: [] });
  assert.deepEqual(await answer('ListDaemonTaskDefinitions', {}), { daemonTaskDefinitions: [] });
  await assert.rejects(answer('ContinueServiceDeployment', { serviceDeploymentArn: 'arn:x', hookId: 'h' }), { name: 'ServiceDeploymentNotFoundException' });
});

test('ExecuteCommand finds the task, then says no execute command agent runs; UpdateContainerAgent has no update', async () => {
  const { clusterArn, instanceArn, taskDefinitionArn } = await populated(f);
  const task = await putTask(f.ctx, { clusterArn, instanceArn, taskDefinitionArn });
  await assert.rejects(answer('ExecuteCommand', { task: 'f'.repeat(32), command: 'sh', interactive: true }), { name: 'InvalidParameterException', message: 'The referenced task was not found.' });
  await assert.rejects(answer('ExecuteCommand', { task: task.taskArn, command: 'sh', interactive: true }), { name: 'InvalidParameterException', message: /execute command agent isn't running/ });
  await assert.rejects(answer('UpdateContainerAgent', { containerInstance: 'nope' }), { name: 'InvalidParameterException' });
  await assert.rejects(answer('UpdateContainerAgent', { containerInstance: instanceArn }), { name: 'NoUpdateAvailableException' });
  assert.deepEqual(await answer('SubmitAttachmentStateChanges', { attachments: [] }), { acknowledgment: 'ACK' });
});
