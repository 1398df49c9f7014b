// Wharf killed and restarted re-adopts running containers (no orphans, no duplicates); a second agent in its
// own process joins a cluster and placement spreads tasks across both; an agent whose instance is
// deregistered stops its tasks' containers and exits for good.
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let ecs: ECSClient;
const docker = (...args: string[]) => execFileSync('docker', args).toString().trim();

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
  await ecs.send(new RegisterTaskDefinitionCommand({
    family: 'sleeper',
    containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }],
  }));
});
after(async () => {
  await wharf?.stop();
});

async function describe(taskArn: string, cluster?: string): Promise<Task | undefined> {
  const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  return task;
}

test('a restart after SIGKILL re-adopts the running container', async () => {
  const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'sleeper' }));
  const running = await eventually(async () => {
    const t = await describe(task!.taskArn!);
    return t?.lastStatus === 'RUNNING' ? t : undefined;
  }, 'RUNNING');
  const runtimeId = running.containers![0]!.runtimeId!;

  await wharf.restart('SIGKILL');
  ecs = wharf.ecs();

  const after = await describe(task!.taskArn!);
  assert.equal(after?.lastStatus, 'RUNNING');
  assert.equal(after?.containers![0]!.runtimeId, runtimeId);
  const withLabel = docker('ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${task!.taskArn}`);
  assert.equal(withLabel.split('\n').filter(Boolean).length, 1, 'exactly one container for the task');

  await ecs.send(new StopTaskCommand({ task: task!.taskArn! }));
  await eventually(async () => ((await describe(task!.taskArn!))?.lastStatus === 'STOPPED' ? true : undefined), 'STOPPED');
});

test('a second agent joins and tasks spread across both instances', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'two' }));
  const agents = [0, 1].map(() =>
    spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'two', '--data-dir', mkdtempSync(join(tmpdir(), 'wharf-agent-'))], {
      env: { ...wharf.env },
      stdio: 'ignore',
    }),
  );
  try {
    const instances = await eventually(async () => {
      const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'two' }));
      if (containerInstanceArns.length < 2) return undefined;
      const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'two', containerInstances: containerInstanceArns }));
      return containerInstances.every((c) => c.agentConnected) ? containerInstances : undefined;
    }, 'two connected agents');
    assert.equal(instances.length, 2);

    const { tasks = [], failures } = await ecs.send(new RunTaskCommand({
      cluster: 'two',
      taskDefinition: 'sleeper',
      count: 4,
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    }));
    assert.deepEqual(failures, []);
    const perInstance = new Map<string, number>();
    for (const t of tasks) perInstance.set(t.containerInstanceArn!, (perInstance.get(t.containerInstanceArn!) ?? 0) + 1);
    assert.deepEqual([...perInstance.values()], [2, 2]);
    for (const t of tasks) {
      await eventually(async () => ((await describe(t.taskArn!, 'two'))?.lastStatus === 'RUNNING' ? true : undefined), 'RUNNING');
    }
    await Promise.all(tasks.map((t) => ecs.send(new StopTaskCommand({ cluster: 'two', task: t.taskArn! }))));
    for (const t of tasks) {
      await eventually(async () => ((await describe(t.taskArn!, 'two'))?.lastStatus === 'STOPPED' ? true : undefined), 'STOPPED');
    }
    // While the agents run: they remove their containers (the harness makes their cleanup wait short).
    await wharf.drain();
  } finally {
    for (const agent of agents) agent.kill('SIGTERM');
  }
});

test('an agent whose instance is deregistered removes its containers and exits 5, not to be restarted', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'gone' }));
  const agent = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', 'gone', '--data-dir', mkdtempSync(join(tmpdir(), 'wharf-agent-'))], {
    env: { ...wharf.env },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => agent.once('exit', resolve));
  try {
    const instance = await eventually(async () => {
      const { containerInstanceArns: [arn] = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster: 'gone' }));
      const { containerInstances: [described] = [] } = arn
        ? await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'gone', containerInstances: [arn] }))
        : {};
      return described?.agentConnected ? arn : undefined;
    }, 'a connected agent');
    const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ cluster: 'gone', taskDefinition: 'sleeper' }));
    await eventually(async () => ((await describe(task!.taskArn!, 'gone'))?.lastStatus === 'RUNNING' ? true : undefined), 'RUNNING');

    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'gone', containerInstance: instance, force: true }));
    assert.equal(await exited, 5);
    assert.equal(docker('ps', '-aq', '--filter', `label=com.amazonaws.ecs.task-arn=${task!.taskArn}`), '', 'its container removed');
  } finally {
    agent.kill('SIGTERM');
  }
});
