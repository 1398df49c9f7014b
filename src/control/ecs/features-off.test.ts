import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { featureOffAnswers } from './features-off.js';
import { fixture, populated, putTask, type Fixture } from './fixtures.js';

let f: Fixture;
const answer = (operation: string, input: object) => featureOffAnswers[operation]!(f.ctx, input as never);

beforeEach(async () => {
  f = await fixture();
});

test('every parent is resolved first: a missing cluster is ClusterNotFoundException', async () => {
  const onMissingCluster: [string, object][] = [
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

test('creating what the Region lacks is UnsupportedFeatureException; reads find nothing', async () => {
  await populated(f);
  await assert.rejects(answer('CreateDaemon', { daemonName: 'd', daemonTaskDefinitionArn: 'x', capacityProviderArns: [] }), { name: 'UnsupportedFeatureException' });
  await assert.rejects(answer('CreateExpressGatewayService', {}), { name: 'UnsupportedFeatureException' });
  await assert.rejects(answer('DescribeDaemon', { daemonArn: 'arn:aws:ecs:us-east-1:123456789012:daemon/default/d' }), { name: 'DaemonNotFoundException' });
  assert.deepEqual(await answer('ListDaemons', {}), { daemonSummariesList: [] });
  assert.deepEqual(await answer('ListDaemonTaskDefinitions', {}), { daemonTaskDefinitions: [] });
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
