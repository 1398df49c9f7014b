// The scale simulation: `wharf hollow` runs real agents on a runtime that only pretends to run containers.
// Twenty of them register, run a service of 100 tasks, roll it to a new task definition, and drain it.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let ecs: ECSClient;
let hollow: ChildProcess;

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  await ecs.send(new CreateClusterCommand({ clusterName: 'hollow' }));
  hollow = spawn(process.execPath, [WHARF_BIN, 'hollow', '--endpoint', wharf.endpoint, '--cluster', 'hollow', '--count', '20'], { env: wharf.env, stdio: 'ignore' });
});
after(async () => {
  hollow?.kill('SIGTERM');
  await wharf?.stop();
});

const described = async () => (await ecs.send(new DescribeServicesCommand({ cluster: 'hollow', services: ['fleet'] }))).services![0]!;

test('twenty hollow instances run a service of 100 tasks through a rolling update', async () => {
  const register = async (command: string) =>
    (await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'hollow',
      containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', cpu: 128, memory: 128, command: [command], healthCheck: { command: ['CMD-SHELL', 'true'] } }],
    }))).taskDefinition!.taskDefinitionArn!;
  const first = await register('v1');
  await eventually(async () => {
    const { registeredContainerInstancesCount } = (await ecs.send(new DescribeClustersCommand({ clusters: ['hollow'] }))).clusters![0]!;
    return registeredContainerInstancesCount === 20 ? true : undefined;
  }, '20 hollow instances');
  await ecs.send(new CreateServiceCommand({ cluster: 'hollow', serviceName: 'fleet', taskDefinition: first, desiredCount: 100 }));
  const completed = (taskDefinition: string) =>
    eventually(async () => {
      const s = await described();
      const [d, ...others] = s.deployments!;
      return others.length === 0 && d!.rolloutState === 'COMPLETED' && d!.taskDefinition === taskDefinition && s.runningCount === 100 ? s : undefined;
    }, `deployment of ${taskDefinition} completed`, 60_000);
  await completed(first);
  const second = await register('v2');
  await ecs.send(new UpdateServiceCommand({ cluster: 'hollow', service: 'fleet', taskDefinition: second }));
  const done = await completed(second);
  assert.equal(done.pendingCount, 0);
  assert.ok(done.events!.some((e) => e.message === '(service fleet) has reached a steady state.'));
  await ecs.send(new DeleteServiceCommand({ cluster: 'hollow', service: 'fleet', force: true }));
  await eventually(async () => ((await described()).status === 'INACTIVE' ? true : undefined), 'the service INACTIVE', 60_000);
});
