// The EC2 launch type's agent settings through the real `wharf up` and SDK, with real containers: the
// local agent refuses privileged containers unless `--allow-privileged` (it does not advertise the
// capability, so placement fails with ECS's ATTRIBUTE), and with `--allowed-host-paths` a task whose host
// volume lies outside them stops with the agent's reason.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ContainerDefinition,
  type ECSClient,
  type Task,
  type Volume,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
const PRIVILEGED = 'com.amazonaws.ecs.capability.privileged-container';
const sleeper = (extra: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'app',
  image: IMAGE,
  memory: 32,
  command: ['sleep', '300'],
  stopTimeout: 1,
  ...extra,
});

async function register(ecs: ECSClient, family: string, container: ContainerDefinition, volumes: Volume[] = []): Promise<string> {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container], volumes }));
  return taskDefinition!.taskDefinitionArn!;
}

async function describeTask(ecs: ECSClient, taskArn: string): Promise<Task> {
  const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
  return task!;
}

function status(ecs: ECSClient, taskArn: string, wanted: string): Promise<Task> {
  return eventually(async () => {
    const seen = await describeTask(ecs, taskArn);
    // Said at once rather than at the timeout: where it went instead.
    if (seen.lastStatus === 'STOPPED' && wanted !== 'STOPPED') throw new Error(`task STOPPED: ${seen.stoppedReason}`);
    return seen.lastStatus === wanted ? seen : undefined;
  }, `task ${wanted}`);
}

/** Whether this machine's engine can start a privileged container at all (not inside an unprivileged container). */
function engineRunsPrivileged(): boolean {
  return spawnSync('docker', ['run', '--rm', '--privileged', IMAGE, 'true']).status === 0;
}

async function localInstance(ecs: ECSClient) {
  const { containerInstanceArns: [arn] = [] } = await ecs.send(new ListContainerInstancesCommand({}));
  const { containerInstances: [instance] = [] } = await ecs.send(new DescribeContainerInstancesCommand({ containerInstances: [arn!] }));
  return instance!;
}

describe('wharf up, by default', () => {
  let wharf: WharfProcess;
  let ecs: ECSClient;
  before(async () => {
    wharf = await startWharf();
    ecs = wharf.ecs();
  });
  after(() => wharf?.stop());

  test('the local agent does not advertise privileged containers, so placement refuses them with ATTRIBUTE', async () => {
    const instance = await localInstance(ecs);
    assert.ok(!instance.attributes!.some((a) => a.name === PRIVILEGED));
    const definition = await register(ecs, 'privileged', sleeper({ privileged: true }));
    const out = await ecs.send(new RunTaskCommand({ taskDefinition: definition, launchType: 'EC2' }));
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.failures, [{ arn: instance.containerInstanceArn, reason: 'ATTRIBUTE' }]);

    const started = await ecs.send(new RunTaskCommand({ taskDefinition: await register(ecs, 'plain', sleeper()), launchType: 'EC2' }));
    assert.equal(started.failures!.length, 0, 'an unprivileged task is placed as before');
    await ecs.send(new StopTaskCommand({ task: started.tasks![0]!.taskArn! }));
  });

  test("a service of privileged tasks says the instance is missing an attribute, as ECS's scheduler does", async () => {
    const definition = await register(ecs, 'privileged-service', sleeper({ privileged: true }));
    await ecs.send(new CreateServiceCommand({ serviceName: 'privileged', taskDefinition: definition, desiredCount: 1, launchType: 'EC2' }));
    const event = await eventually(async () => {
      const { services: [service] = [] } = await ecs.send(new DescribeServicesCommand({ services: ['privileged'] }));
      return service?.events?.find((e) => e.message?.includes('is missing an attribute required by your task'));
    }, 'the placement event');
    assert.match(event.message!, /^\(service privileged\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]+\) is missing an attribute required by your task\./);
    await ecs.send(new DeleteServiceCommand({ service: 'privileged', force: true }));
  });
});

describe('wharf up --allow-privileged --allowed-host-paths', () => {
  let wharf: WharfProcess;
  let ecs: ECSClient;
  const allowed = mkdtempSync(join(tmpdir(), 'wharf-allowed-'));
  // A symlink inside the allowed directory that leads out of it.
  symlinkSync('/etc', join(allowed, 'escape'));
  before(async () => {
    wharf = await startWharf({ args: ['--allow-privileged', '--allowed-host-paths', allowed] });
    ecs = wharf.ecs();
  });
  after(async () => {
    await wharf?.stop();
    rmSync(allowed, { recursive: true, force: true });
  });

  test('a privileged task runs, with a host volume under the allowed paths', async () => {
    assert.ok((await localInstance(ecs)).attributes!.some((a) => a.name === PRIVILEGED));
    const definition = await register(ecs, 'privileged', sleeper({ privileged: true, mountPoints: [{ sourceVolume: 'data', containerPath: '/data' }] }), [
      { name: 'data', host: { sourcePath: join(allowed, 'data') } },
    ]);
    const out = await ecs.send(new RunTaskCommand({ taskDefinition: definition, launchType: 'EC2' }));
    assert.deepEqual(out.failures, []);
    const taskArn = out.tasks![0]!.taskArn!;
    if (!engineRunsPrivileged()) {
      // A host that cannot grant a privileged container its capabilities (a container itself): the agent
      // made the container and the engine refused it, so Wharf let it through.
      const task = await status(ecs, taskArn, 'STOPPED');
      assert.ok(task.containers![0]!.runtimeId, 'the agent made the container');
      assert.match(task.stoppedReason!, /^CannotStartContainerError: /);
      return;
    }
    const task = await status(ecs, taskArn, 'RUNNING');
    const runtimeId = task.containers![0]!.runtimeId!;
    assert.equal(execFileSync('docker', ['inspect', '-f', '{{.HostConfig.Privileged}}', runtimeId]).toString().trim(), 'true');
    await ecs.send(new StopTaskCommand({ task: taskArn }));
  });

  test('a host volume outside the allowed paths, or led out of them by a symlink, stops the task with why', async () => {
    for (const [family, sourcePath] of [['etc', '/etc'], ['escape', join(allowed, 'escape')]] as const) {
      const definition = await register(ecs, family, sleeper({ mountPoints: [{ sourceVolume: 'host', containerPath: '/host' }] }), [{ name: 'host', host: { sourcePath } }]);
      const out = await ecs.send(new RunTaskCommand({ taskDefinition: definition, launchType: 'EC2' }));
      assert.deepEqual(out.failures, [], 'placement cannot know: the agent refuses it');
      const task = await status(ecs, out.tasks![0]!.taskArn!, 'STOPPED');
      assert.equal(
        task.stoppedReason,
        `CannotCreateContainerError: volume host's host path ${sourcePath} is outside the host paths this container instance allows (${allowed})`,
      );
      assert.equal(task.containers![0]!.runtimeId, undefined, 'no container was made');
    }
  });
});
