import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { ClusterRecord } from '../../core/ecs.js';
import { IMAGE, fixture, type Fixture, putCluster, putInstance, putTaskDefinition } from './fixtures.js';
import { ensureDefaultVpc } from '../ec2/vpcs.js';
import { putRole, trust } from '../sts/sts-fixtures.js';
import { runTask } from './run-task.js';
import { startTask } from './start-task.js';

let f: Fixture;
let cluster: ClusterRecord;

beforeEach(async () => {
  f = await fixture();
  cluster = await putCluster(f.ctx);
});

const rejects = (p: Promise<unknown>, code: string, message?: string | RegExp) =>
  assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });

describe('RunTask', () => {
  test('creates a PENDING task on an instance, as ECS shows it', async () => {
    const instance = await putInstance(f.ctx, cluster, 'i1', { zone: 'us-east-1b' });
    const definition = await putTaskDefinition(f.ctx, 'web', [
      { name: 'app', image: IMAGE, memory: 128, cpu: 256, essential: true },
      { name: 'side', image: IMAGE, memoryReservation: 64, essential: false, healthCheck: { command: ['CMD', 'true'] } },
    ]);
    const { tasks = [], failures } = await runTask(f.ctx, { taskDefinition: 'web', startedBy: 'me', tags: [{ key: 'k', value: 'v' }] });
    assert.deepEqual(failures, []);
    assert.equal(tasks.length, 1);
    const task = tasks[0]!;
    assert.match(task.taskArn!, /^arn:aws:ecs:us-east-1:123456789012:task\/default\/[0-9a-f]{32}$/);
    assert.equal(task.clusterArn, cluster.clusterArn);
    assert.equal(task.taskDefinitionArn, definition.taskDefinitionArn);
    assert.equal(task.containerInstanceArn, instance.containerInstanceArn);
    assert.equal(task.availabilityZone, 'us-east-1b');
    assert.deepEqual([task.lastStatus, task.desiredStatus, task.launchType, task.version], ['PENDING', 'RUNNING', 'EC2', 1]);
    assert.equal(task.group, 'family:web');
    assert.equal(task.startedBy, 'me');
    assert.deepEqual(task.createdAt, f.ctx.clock.now());
    assert.deepEqual(task.tags, [{ key: 'k', value: 'v' }]);
    assert.deepEqual(task.attributes, [{ name: 'ecs.cpu-architecture', value: 'x86_64' }]);
    assert.deepEqual(task.overrides, { containerOverrides: [{ name: 'app' }, { name: 'side' }], inferenceAcceleratorOverrides: [] });
    const [app, side] = task.containers!;
    assert.deepEqual(
      [app!.name, app!.image, app!.lastStatus, app!.cpu, app!.memory, app!.memoryReservation, app!.healthStatus],
      ['app', IMAGE, 'PENDING', '256', '128', undefined, 'UNKNOWN'],
    );
    assert.deepEqual([side!.cpu, side!.memory, side!.memoryReservation], ['0', undefined, '64']);
    assert.match(app!.containerArn!, /^arn:aws:ecs:us-east-1:123456789012:container\/default\/[0-9a-f]{32}$/);
    assert.equal(app!.taskArn, task.taskArn);
    assert.deepEqual(f.ctx.state.get('task', task.taskArn!), task, 'what it answers is what it stored');
  });

  test('awsvpc tasks start PROVISIONING and need a network configuration', async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await ensureDefaultVpc(f.ctx);
    const subnet = [...f.ctx.state.all('subnet')][0]!.SubnetId;
    await putTaskDefinition(f.ctx, 'vpc', undefined, { networkMode: 'awsvpc' });
    await rejects(runTask(f.ctx, { taskDefinition: 'vpc' }), 'InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'vpc', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } });
    assert.equal(tasks[0]!.lastStatus, 'PROVISIONING');
    await putTaskDefinition(f.ctx, 'bridge');
    await rejects(
      runTask(f.ctx, { taskDefinition: 'bridge', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
      'InvalidParameterException',
      'Network Configuration is not valid for the given networkMode of this task definition.',
    );
  });

  test('overrides are echoed per container and change the resources shown', async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await putTaskDefinition(f.ctx, 'web', undefined, { cpu: '512', memory: '256' });
    await putRole(f.ctx, 'r', trust({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    const overrides = {
      containerOverrides: [{ name: 'app', command: ['echo', 'hi'], environment: [{ name: 'A', value: '1' }], memory: 64, cpu: 128 }],
      memory: '200',
      taskRoleArn: 'arn:aws:iam::123456789012:role/r',
    };
    const { tasks = [] } = await runTask(f.ctx, { taskDefinition: 'web', overrides });
    const task = tasks[0]!;
    assert.deepEqual(task.overrides, { ...overrides, inferenceAcceleratorOverrides: [] });
    assert.deepEqual([task.cpu, task.memory], ['512', '200']);
    assert.deepEqual([task.containers![0]!.cpu, task.containers![0]!.memory], ['128', '64']);
    await rejects(
      runTask(f.ctx, { taskDefinition: 'web', overrides: { containerOverrides: [{ name: 'nope' }] } }),
      'InvalidParameterException',
      'Override for container named nope is not a container in the TaskDefinition.',
    );
  });

  test("a role ECS cannot assume (its trust policy does not allow ecs-tasks.amazonaws.com, or it is gone) is refused with ECS's words", async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await putTaskDefinition(f.ctx, 'web');
    await putRole(f.ctx, 'ec2-only', trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    const unable = (arn: string) =>
      `ECS was unable to assume the role '${arn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;
    for (const name of ['ec2-only', 'gone']) {
      const arn = `arn:aws:iam::${f.ctx.partition.accountId}:role/${name}`;
      await putTaskDefinition(f.ctx, name, undefined, { taskRoleArn: arn });
      await rejects(runTask(f.ctx, { taskDefinition: name }), 'InvalidParameterException', unable(arn));
      await rejects(runTask(f.ctx, { taskDefinition: 'web', overrides: { executionRoleArn: arn } }), 'InvalidParameterException', unable(arn));
    }
    assert.equal([...f.ctx.state.all('task')].length, 0, 'nothing launched');
  });

  test('resolves family, family:revision and ARN; INACTIVE revisions cannot run', async () => {
    await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 4096 });
    const r1 = await putTaskDefinition(f.ctx, 'web', undefined, { revision: 1 });
    const r2 = await putTaskDefinition(f.ctx, 'web', undefined, { revision: 2 });
    await putTaskDefinition(f.ctx, 'web', undefined, { revision: 3, status: 'INACTIVE' });
    const run = async (taskDefinition: string) => (await runTask(f.ctx, { taskDefinition })).tasks![0]!.taskDefinitionArn;
    assert.equal(await run('web'), r2.taskDefinitionArn, 'latest ACTIVE revision');
    assert.equal(await run('web:1'), r1.taskDefinitionArn);
    assert.equal(await run(r1.taskDefinitionArn), r1.taskDefinitionArn);
    await rejects(run('web:3'), 'InvalidParameterException', 'TaskDefinition is inactive');
    await rejects(run('web:9'), 'ClientException', 'TaskDefinition not found.');
    await rejects(run('nothing'), 'ClientException', 'TaskDefinition not found.');
  });

  test('the cluster must exist', async () => {
    await putTaskDefinition(f.ctx, 'web');
    await rejects(runTask(f.ctx, { cluster: 'nope', taskDefinition: 'web' }), 'ClusterNotFoundException', 'Cluster not found.');
  });

  test('no capacity: an empty cluster, external, capacity providers; Fargate needs a definition that supports it', async () => {
    await putTaskDefinition(f.ctx, 'web');
    const none = 'No Container Instances were found in your cluster.';
    await rejects(runTask(f.ctx, { taskDefinition: 'web' }), 'InvalidParameterException', none);
    await putInstance(f.ctx, cluster, 'i1');
    await rejects(runTask(f.ctx, { taskDefinition: 'web', launchType: 'FARGATE' }), 'InvalidParameterException', 'Task definition does not support launch_type FARGATE.');
    await rejects(runTask(f.ctx, { taskDefinition: 'web', launchType: 'EXTERNAL' }), 'InvalidParameterException', none);
    await rejects(
      runTask(f.ctx, { taskDefinition: 'web', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }),
      'InvalidParameterException',
      /capacity provider strategy cannot contain a capacity provider that is not associated with the cluster/,
    );
    await rejects(
      runTask(f.ctx, { taskDefinition: 'web', launchType: 'EC2', capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }] }),
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  });

  test('count places several tasks; what does not fit comes back as failures', async () => {
    const instance = await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 300 });
    await putTaskDefinition(f.ctx, 'web');
    const { tasks = [], failures } = await runTask(f.ctx, { taskDefinition: 'web', count: 3 });
    assert.equal(tasks.length, 2);
    assert.deepEqual(failures, [{ arn: instance.containerInstanceArn, reason: 'RESOURCE:MEMORY' }]);
    await rejects(runTask(f.ctx, { taskDefinition: 'web', count: 11 }), 'InvalidParameterException');
  });

  test('placement is atomic with the writes: concurrent requests never overbook an instance', async () => {
    await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 512 });
    await putTaskDefinition(f.ctx, 'web');
    const results = await Promise.all(Array.from({ length: 6 }, () => runTask(f.ctx, { taskDefinition: 'web' })));
    assert.equal(results.flatMap((r) => r.tasks ?? []).length, 4);
    assert.equal(results.flatMap((r) => r.failures ?? []).length, 2);
  });

  test('an instance whose agent is disconnected gets no task: AGENT', async () => {
    const instance = await putInstance(f.ctx, cluster, 'i1', { agentConnected: false });
    await putTaskDefinition(f.ctx, 'web');
    const { tasks, failures } = await runTask(f.ctx, { taskDefinition: 'web' });
    assert.deepEqual(tasks, []);
    assert.deepEqual(failures, [{ arn: instance.containerInstanceArn, reason: 'AGENT' }]);
  });

  test('group, propagated and managed tags', async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await putTaskDefinition(f.ctx, 'web', undefined, { tags: [{ key: 'team', value: 'a' }, { key: 'k', value: 'def' }] });
    const { tasks = [] } = await runTask(f.ctx, {
      taskDefinition: 'web',
      group: 'batch',
      tags: [{ key: 'k', value: 'mine' }],
      propagateTags: 'TASK_DEFINITION',
      enableECSManagedTags: true,
    });
    assert.equal(tasks[0]!.group, 'batch');
    assert.deepEqual(tasks[0]!.tags, [
      { key: 'k', value: 'mine' },
      { key: 'team', value: 'a' },
      { key: 'aws:ecs:clusterName', value: 'default' },
    ]);
    await rejects(runTask(f.ctx, { taskDefinition: 'web', propagateTags: 'SERVICE' }), 'InvalidParameterException');
    await rejects(runTask(f.ctx, { taskDefinition: 'web', tags: [{ key: 'aws:x', value: 'y' }] }), 'InvalidParameterException');
  });

  test('clientToken: a retry gets the same tasks; another request with it conflicts', async () => {
    await putInstance(f.ctx, cluster, 'i1', { memoryMiB: 4096 });
    await putTaskDefinition(f.ctx, 'web');
    const first = await runTask(f.ctx, { taskDefinition: 'web', count: 2, clientToken: 'tok' });
    const again = await runTask(f.ctx, { taskDefinition: 'web', count: 2, clientToken: 'tok' });
    assert.deepEqual(again.tasks!.map((t) => t.taskArn).sort(), first.tasks!.map((t) => t.taskArn).sort());
    assert.equal(f.ctx.state.count('task'), 2);
    await assert.rejects(runTask(f.ctx, { taskDefinition: 'web', count: 1, clientToken: 'tok' }), (err: Error & { code?: string; resourceIds?: string[] }) => {
      assert.equal(err.code, 'ConflictException');
      assert.deepEqual(err.resourceIds!.sort(), first.tasks!.map((t) => t.taskArn).sort());
      return true;
    });
  });
});

describe('StartTask', () => {
  test('one task on each named instance that can take it', async () => {
    const big = await putInstance(f.ctx, cluster, 'i1');
    const small = await putInstance(f.ctx, cluster, 'i2', { memoryMiB: 64 });
    const away = await putInstance(f.ctx, cluster, 'i3', { agentConnected: false });
    await putTaskDefinition(f.ctx, 'web');
    const { tasks = [], failures } = await startTask(f.ctx, {
      taskDefinition: 'web',
      containerInstances: ['i1', small.containerInstanceArn, away.containerInstanceArn, 'missing'],
    });
    assert.deepEqual(tasks.map((t) => t.containerInstanceArn), [big.containerInstanceArn]);
    assert.deepEqual(failures, [
      { arn: small.containerInstanceArn, reason: 'RESOURCE:MEMORY' },
      { arn: away.containerInstanceArn, reason: 'AGENT' },
      { arn: 'missing', reason: 'MISSING' },
    ]);
    assert.equal(tasks[0]!.lastStatus, 'PENDING');
  });

  test('an instance of another cluster is missing here', async () => {
    const other = await putInstance(f.ctx, await putCluster(f.ctx, 'other'), 'o1');
    await putTaskDefinition(f.ctx, 'web');
    const { tasks, failures } = await startTask(f.ctx, { taskDefinition: 'web', containerInstances: [other.containerInstanceArn] });
    assert.deepEqual(tasks, []);
    assert.deepEqual(failures, [{ arn: other.containerInstanceArn, reason: 'MISSING' }]);
  });

  test('the task definition must be launchable', async () => {
    await putInstance(f.ctx, cluster, 'i1');
    await rejects(startTask(f.ctx, { taskDefinition: 'nope', containerInstances: ['i1'] }), 'ClientException');
    await rejects(startTask(f.ctx, { cluster: 'nope', taskDefinition: 'web', containerInstances: ['i1'] }), 'ClusterNotFoundException');
  });
});
