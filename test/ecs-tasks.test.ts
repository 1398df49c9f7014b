// The whole core flow through the real server, the real SDK and the real AWS CLI, with real containers.
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type Task,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;

const docker = (...args: string[]) => execFileSync('docker', args).toString().trim();
const aws = (...args: string[]) =>
  JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { env: wharf.env }).toString() || '{}');

async function taskWhen(taskArn: string, status: string, cluster?: string): Promise<Task> {
  return eventually(async () => {
    const { tasks: [task] = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    return task?.lastStatus === status ? task : undefined;
  }, `task ${taskArn} ${status}`);
}

async function register(family: string, container: Record<string, unknown>) {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({
    family,
    containerDefinitions: [{ name: 'app', image: IMAGE, memory: 32, ...container }],
  }));
  return taskDefinition!;
}

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
});
after(async () => {
  await wharf?.stop();
});

describe('tasks on real Docker', () => {
  test('run, observe the container, stop with a reason', async () => {
    // sh as PID 1 ignores SIGTERM unless it traps it, as in any container.
    await register('sleeper', { command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] });
    const { tasks: [started] = [], failures } = await ecs.send(new RunTaskCommand({ taskDefinition: 'sleeper' }));
    assert.deepEqual(failures, []);
    assert.ok(started?.taskArn);
    const running = await taskWhen(started.taskArn, 'RUNNING');
    const runtimeId = running.containers![0]!.runtimeId!;
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', runtimeId), 'true');
    assert.equal(docker('inspect', '-f', '{{index .Config.Labels "com.amazonaws.ecs.task-arn"}}', runtimeId), started.taskArn);

    await ecs.send(new StopTaskCommand({ task: started.taskArn, reason: 'done with it' }));
    const stopped = await taskWhen(started.taskArn, 'STOPPED');
    assert.equal(stopped.stopCode, 'UserInitiated');
    assert.equal(stopped.stoppedReason, 'done with it');
    assert.equal(stopped.desiredStatus, 'STOPPED');
    assert.equal(stopped.containers![0]!.exitCode, 143); // the SIGTERM arrived (no SIGKILL after stopTimeout)
    assert.ok(stopped.stoppedAt && stopped.startedAt && stopped.createdAt);
    assert.equal(docker('inspect', '-f', '{{.State.Running}}', runtimeId), 'false');
  });

  test('an essential container that exits stops the task with its exit code', async () => {
    await register('exits', { command: ['sh', '-c', 'exit 3'] });
    const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'exits' }));
    const stopped = await taskWhen(task!.taskArn!, 'STOPPED');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped.containers![0]!.exitCode, 3);
  });

  test('an image that cannot be pulled fails the task to start', async () => {
    await register('nopull', { image: 'wharf-test/does-not-exist:1' });
    const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'nopull' }));
    const stopped = await taskWhen(task!.taskArn!, 'STOPPED');
    assert.equal(stopped.stopCode, 'TaskFailedToStart');
    assert.match(stopped.containers![0]!.reason ?? stopped.stoppedReason ?? '', /CannotPullContainerError/);
  });

  test('the AWS CLI runs a task and its waiters work', async () => {
    aws('ecs', 'create-cluster', '--cluster-name', 'cli');
    aws('ecs', 'register-task-definition', '--family', 'cli-sleeper', '--container-definitions',
      JSON.stringify([{ name: 'app', image: IMAGE, memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }]));
    const run = aws('ecs', 'run-task', '--task-definition', 'cli-sleeper');
    const taskArn = run.tasks[0].taskArn;
    execFileSync('aws', ['ecs', 'wait', 'tasks-running', '--tasks', taskArn], { env: wharf.env });
    const listed = aws('ecs', 'list-tasks', '--family', 'cli-sleeper');
    assert.deepEqual(listed.taskArns, [taskArn]);
    aws('ecs', 'stop-task', '--task', taskArn);
    execFileSync('aws', ['ecs', 'wait', 'tasks-stopped', '--tasks', taskArn], { env: wharf.env });
  });

  test('the cluster counts running tasks and its instance', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    const { taskArns = [] } = await ecs.send(new ListTasksCommand({}));
    const described = aws('ecs', 'describe-clusters', '--clusters', 'default');
    assert.equal(described.clusters[0].registeredContainerInstancesCount, 1);
    assert.equal(described.clusters[0].runningTasksCount + described.clusters[0].pendingTasksCount, taskArns.length);
  });
});
