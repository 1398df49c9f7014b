// ECS services end to end: the real `wharf up`, the real AWS CLI (its waiters) and SDK, real containers.
// Desired counts held through scaling, rolling updates within their percentages, broken deployments (an
// image that cannot be pulled, a command that crashes) rolled back by the circuit breaker, a killed container replaced, a lost agent's tasks replaced without
// duplicates when it returns, a SIGKILL of Wharf mid-deployment, and a DAEMON service across three agents.
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { WHARF_BIN, eventually, startWharf, type WharfProcess } from './wharf-process.js';

const IMAGE = 'wharf-test/busybox:latest';
let wharf: WharfProcess;
let ecs: ECSClient;
const agents: ChildProcess[] = [];

before(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
});
after(async () => {
  // Stopping Wharf drains every cluster, so the agents must still be there to remove their containers.
  await wharf?.stop();
  for (const agent of agents) agent.kill('SIGTERM');
});

const docker = (...args: string[]) => execFileSync('docker', args).toString().trim();
const aws = (...args: string[]) => promisify(execFile)('aws', ['ecs', ...args], { env: wharf.env });

/** A container that stops at once on SIGTERM, with a health check that passes at its first run (5 s in). */
function container(over: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name: 'app',
    image: IMAGE,
    memory: 32,
    command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3000 & wait'],
    healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, startPeriod: 0 },
    stopTimeout: 2,
    ...over,
  };
}

async function register(family: string, over: Partial<ContainerDefinition> = {}): Promise<string> {
  const { taskDefinition } = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [container(over)] }));
  return taskDefinition!.taskDefinitionArn!;
}

async function service(name: string, cluster?: string): Promise<Service> {
  const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  return services[0]!;
}

/** The containers Docker runs for a task definition family, by task ARN. */
function running(family: string): string[] {
  // One command: a container removed between a listing and an inspect would fail the latter.
  const format = '{{.Label "com.amazonaws.ecs.task-arn"}}';
  return docker('ps', '--format', format, '--filter', `label=com.amazonaws.ecs.task-definition-family=${family}`, '--filter', 'status=running').split('\n').filter(Boolean);
}

async function serviceTasks(name: string, cluster?: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
  const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster, serviceName: name, desiredStatus }));
  if (taskArns.length === 0) return [];
  const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
  return tasks;
}

/** Steady as the waiter sees it, and the one deployment COMPLETED. */
const completed = (name: string, cluster?: string, taskDefinition?: string) =>
  eventually(
    async () => {
      const s = await service(name, cluster);
      const [d, ...others] = s.deployments ?? [];
      const done = others.length === 0 && d?.rolloutState === 'COMPLETED' && s.runningCount === s.desiredCount && (!taskDefinition || d.taskDefinition === taskDefinition);
      return done ? s : undefined;
    },
    `${name} completed`,
    120_000,
  );

function startAgent(cluster: string, dataDir = mkdtempSync(join(tmpdir(), 'wharf-agent-'))): { process: ChildProcess; dataDir: string } {
  const child = spawn(process.execPath, [WHARF_BIN, 'agent', '--endpoint', wharf.endpoint, '--cluster', cluster, '--data-dir', dataDir], {
    env: { ...wharf.env, WHARF_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  agents.push(child);
  return { process: child, dataDir };
}

async function connectedInstances(cluster: string, count: number) {
  // Generous: each agent is a node process starting on a loaded 2-core machine.
  return eventually(async () => {
    const { containerInstanceArns = [] } = await ecs.send(new ListContainerInstancesCommand({ cluster }));
    if (containerInstanceArns.length < count) return undefined;
    const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: containerInstanceArns }));
    return containerInstances.filter((c) => c.agentConnected).length === count ? containerInstances : undefined;
  }, `${count} connected agents in ${cluster}`, 90_000);
}

test('scale up and down; the CLI waiters services-stable and services-inactive', async () => {
  await register('svc-scale');
  await ecs.send(new CreateServiceCommand({ serviceName: 'scale', taskDefinition: 'svc-scale', desiredCount: 2 }));
  await aws('wait', 'services-stable', '--services', 'scale');
  assert.equal((await service('scale')).runningCount, 2);
  assert.equal(running('svc-scale').length, 2);

  await ecs.send(new UpdateServiceCommand({ service: 'scale', desiredCount: 4 }));
  await aws('wait', 'services-stable', '--services', 'scale');
  assert.equal((await serviceTasks('scale')).filter((t) => t.lastStatus === 'RUNNING').length, 4);

  await ecs.send(new UpdateServiceCommand({ service: 'scale', desiredCount: 1 }));
  await aws('wait', 'services-stable', '--services', 'scale');
  await eventually(async () => (running('svc-scale').length === 1 ? true : undefined), 'one container left');
  assert.equal((await serviceTasks('scale')).length, 1);

  const { stdout } = await aws('delete-service', '--service', 'scale', '--force', '--query', 'service.status', '--output', 'text');
  assert.equal(stdout.trim(), 'DRAINING');
  await aws('wait', 'services-inactive', '--services', 'scale');
  assert.deepEqual(running('svc-scale'), []);
});

test('a rolling update of 3 tasks at min 100 / max 200 keeps 3 to 6 tasks running throughout', async () => {
  await register('svc-roll');
  await ecs.send(new CreateServiceCommand({
    serviceName: 'roll',
    taskDefinition: 'svc-roll',
    desiredCount: 3,
    deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
  }));
  await completed('roll');
  const next = await register('svc-roll', { command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3001 & wait'] });

  const seen = { docker: [] as number[], api: [] as number[] };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      seen.docker.push(running('svc-roll').length);
      seen.api.push((await service('roll')).runningCount!);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await ecs.send(new UpdateServiceCommand({ service: 'roll', taskDefinition: next }));
  const done = await completed('roll', undefined, next);
  await eventually(async () => (running('svc-roll').length === 3 ? true : undefined), 'old containers gone');
  // A quick rollout on a busy machine may take fewer samples: the bounds must hold for a few after it too.
  await eventually(async () => (seen.docker.length > 10 ? true : undefined), 'ten samples');
  sampling = false;
  await sampler;

  assert.equal(done.runningCount, 3);
  for (const [source, counts] of Object.entries(seen)) {
    assert.ok(counts.length > 10, `${source} sampled throughout`);
    assert.ok(Math.min(...counts) >= 3, `${source}: never fewer than 3 running (${Math.min(...counts)})`);
    assert.ok(Math.max(...counts) <= 6, `${source}: never more than 6 running (${Math.max(...counts)})`);
  }
  assert.ok(Math.max(...seen.docker) > 3, 'replacements ran beside the old tasks');
  const tasks = await serviceTasks('roll');
  assert.ok(tasks.every((t) => t.taskDefinitionArn === next && t.startedBy === done.deployments![0]!.id && t.group === 'service:roll'));
  await ecs.send(new DeleteServiceCommand({ service: 'roll', force: true }));
});

test('a broken image fails the deployment and the circuit breaker rolls back to the last completed one', async () => {
  const good = await register('svc-breaker');
  await ecs.send(new CreateServiceCommand({
    serviceName: 'breaker',
    taskDefinition: 'svc-breaker',
    desiredCount: 2,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  }));
  const first = await completed('breaker');
  // A registry that refuses at once: the pull fails fast (nothing is ever pulled from Docker Hub).
  const broken = await register('svc-breaker', { image: '127.0.0.1:1/wharf/missing:latest' });
  await ecs.send(new UpdateServiceCommand({ service: 'breaker', taskDefinition: broken }));

  const rolledBack = await completed('breaker', undefined, good);
  assert.equal(rolledBack.deployments![0]!.id, first.deployments![0]!.id, 'the last completed deployment is PRIMARY again');
  assert.equal(rolledBack.taskDefinition, good);
  const messages = rolledBack.events!.map((e) => e.message!);
  assert.ok(messages.some((m) => /^\(service breaker\) \(deployment ecs-svc\/\d{19}\) deployment failed: tasks failed to start\.$/.test(m)), messages.join('\n'));
  assert.ok(messages.includes(`(service breaker) rolling back to deployment ${first.deployments![0]!.id}.`));
  const failed = (await serviceTasks('breaker', undefined, 'STOPPED')).filter((t) => t.taskDefinitionArn === broken && t.stopCode === 'TaskFailedToStart');
  assert.ok(failed.length >= 3, 'the threshold: at least 3 tasks failed to start');
  assert.equal(running('svc-breaker').length, 2, 'the good tasks ran throughout');
  await ecs.send(new DeleteServiceCommand({ service: 'breaker', force: true }));
});

test('a crashing command fails the deployment too, and the circuit breaker rolls back', async () => {
  const good = await register('svc-crash');
  await ecs.send(new CreateServiceCommand({
    serviceName: 'crash',
    taskDefinition: 'svc-crash',
    desiredCount: 2,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
  }));
  await completed('crash');
  // It starts (the task reaches RUNNING), then exits long before it could count as healthy.
  const crashing = await register('svc-crash', { command: ['sh', '-c', 'exit 1'], healthCheck: undefined });
  await ecs.send(new UpdateServiceCommand({ service: 'crash', taskDefinition: crashing }));
  const rolledBack = await completed('crash', undefined, good);
  assert.ok(rolledBack.events!.some((e) => /deployment failed: tasks failed to start\.$/.test(e.message!)));
  const crashed = (await serviceTasks('crash', undefined, 'STOPPED')).filter(
    (t) => t.taskDefinitionArn === crashing && t.stopCode === 'EssentialContainerExited' && t.containers![0]!.exitCode === 1,
  );
  assert.ok(crashed.length >= 3, 'the threshold: at least 3 tasks crashed');
  await ecs.send(new DeleteServiceCommand({ service: 'crash', force: true }));
});

test('docker kill of a task container: the task stops and a replacement runs', async () => {
  await register('svc-kill');
  await ecs.send(new CreateServiceCommand({ serviceName: 'kill', taskDefinition: 'svc-kill', desiredCount: 1 }));
  await aws('wait', 'services-stable', '--services', 'kill');
  const [victim] = running('svc-kill');
  docker('kill', docker('ps', '-q', '--filter', `label=com.amazonaws.ecs.task-arn=${victim}`));
  const replacement = await eventually(async () => {
    const tasks = (await serviceTasks('kill')).filter((t) => t.taskArn !== victim && t.lastStatus === 'RUNNING');
    return tasks[0];
  }, 'a replacement RUNNING');
  const { tasks: [dead] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [victim!] }));
  assert.deepEqual([dead!.lastStatus, dead!.stopCode], ['STOPPED', 'EssentialContainerExited']);
  assert.deepEqual(running('svc-kill'), [replacement.taskArn]);
  await ecs.send(new DeleteServiceCommand({ service: 'kill', force: true }));
});

test('two agents, one killed: its tasks are replaced on the other, and no duplicate runs when it returns', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'svc-lost' }));
  const a = startAgent('svc-lost');
  startAgent('svc-lost');
  const instances = await connectedInstances('svc-lost', 2);
  await register('svc-lost');
  await ecs.send(new CreateServiceCommand({ cluster: 'svc-lost', serviceName: 'lost', taskDefinition: 'svc-lost', desiredCount: 2 }));
  await completed('lost', 'svc-lost');
  const before = await serviceTasks('lost', 'svc-lost');
  assert.equal(new Set(before.map((t) => t.containerInstanceArn)).size, 2, 'spread over both instances');

  const started = Date.now();
  a.process.kill('SIGKILL');
  const aArn = (await eventually(async () => {
    const { containerInstances = [] } = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'svc-lost', containerInstances: instances.map((i) => i.containerInstanceArn!) }));
    return containerInstances.find((c) => !c.agentConnected);
  }, 'the killed agent seen disconnected', 30_000)).containerInstanceArn!;
  const replaced = await eventually(async () => {
    const tasks = (await serviceTasks('lost', 'svc-lost')).filter((t) => t.lastStatus === 'RUNNING');
    return tasks.length === 2 && tasks.every((t) => t.containerInstanceArn !== aArn) ? tasks : undefined;
  }, 'both tasks on the surviving instance', 60_000);
  assert.ok(Date.now() - started < 60_000, 'replaced within 60 s');
  const orphan = before.find((t) => t.containerInstanceArn === aArn)!;
  assert.ok(running('svc-lost').includes(orphan.taskArn!), 'the lost agent left its container running');

  startAgent('svc-lost', a.dataDir);
  await connectedInstances('svc-lost', 2);
  await eventually(async () => (running('svc-lost').length === 2 ? true : undefined), 'the returned agent stops what is no longer wanted');
  assert.deepEqual(running('svc-lost').sort(), replaced.map((t) => t.taskArn!).sort());
  await ecs.send(new DeleteServiceCommand({ cluster: 'svc-lost', service: 'lost', force: true }));
});

test('Wharf killed with SIGKILL mid-deployment and restarted: the deployment completes with no duplicate', async () => {
  await register('svc-restart');
  await ecs.send(new CreateServiceCommand({ serviceName: 'restart', taskDefinition: 'svc-restart', desiredCount: 2 }));
  await completed('restart');
  const next = await register('svc-restart', { command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3002 & wait'] });
  await ecs.send(new UpdateServiceCommand({ service: 'restart', taskDefinition: next }));
  await eventually(async () => ((await serviceTasks('restart')).some((t) => t.taskDefinitionArn === next) ? true : undefined), 'the new deployment started');

  await wharf.restart('SIGKILL');
  ecs = wharf.ecs();

  await completed('restart', undefined, next);
  await eventually(async () => (running('svc-restart').length === 2 ? true : undefined), 'two containers');
  const tasks = await serviceTasks('restart');
  assert.deepEqual(running('svc-restart').sort(), tasks.map((t) => t.taskArn!).sort());
  assert.ok(tasks.every((t) => t.taskDefinitionArn === next));
  await ecs.send(new DeleteServiceCommand({ service: 'restart', force: true }));
});

test('DAEMON: one task on each of three agents, none on a draining one', async () => {
  await ecs.send(new CreateClusterCommand({ clusterName: 'svc-daemon' }));
  for (let i = 0; i < 3; i++) startAgent('svc-daemon');
  const instances = await connectedInstances('svc-daemon', 3);
  await register('svc-daemon');
  await ecs.send(new CreateServiceCommand({ cluster: 'svc-daemon', serviceName: 'daemon', taskDefinition: 'svc-daemon', schedulingStrategy: 'DAEMON' }));
  await aws('wait', 'services-stable', '--cluster', 'svc-daemon', '--services', 'daemon');
  const tasks = await serviceTasks('daemon', 'svc-daemon');
  assert.deepEqual(tasks.map((t) => t.containerInstanceArn).sort(), instances.map((i) => i.containerInstanceArn).sort());
  assert.equal((await service('daemon', 'svc-daemon')).desiredCount, 3);

  await aws('update-container-instances-state', '--cluster', 'svc-daemon', '--container-instances', instances[0]!.containerInstanceArn!, '--status', 'DRAINING');
  const after = await eventually(async () => {
    const tasks = await serviceTasks('daemon', 'svc-daemon');
    return tasks.length === 2 ? tasks : undefined;
  }, 'the draining instance loses its task');
  assert.ok(after.every((t) => t.containerInstanceArn !== instances[0]!.containerInstanceArn));
  await aws('wait', 'services-stable', '--cluster', 'svc-daemon', '--services', 'daemon');
  assert.equal((await service('daemon', 'svc-daemon')).desiredCount, 2);

  await ecs.send(new DeleteServiceCommand({ cluster: 'svc-daemon', service: 'daemon' }));
  await aws('wait', 'services-inactive', '--cluster', 'svc-daemon', '--services', 'daemon');
});
