import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerDefinition, TaskDefinition } from '@aws-sdk/client-ecs';
import type { TaskAssignment } from '../core/agent-protocol.js';
import {
  LABELS,
  containerDependencies,
  containerEngineName,
  containerSpec,
  cpuShares,
  taskVolumes,
  type ContainerSpecInput,
} from './container-config.js';

const TASK_ARN = 'arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef0123456789abcdef';
const INSTANCE_ARN = 'arn:aws:ecs:us-east-1:000000000000:container-instance/prod/fedcba9876543210fedcba9876543210';

const assignment = (defs: ContainerDefinition[], extra: Partial<TaskDefinition> = {}): TaskAssignment => ({
  taskArn: TASK_ARN,
  clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod',
  desiredStatus: 'RUNNING',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3',
  taskDefinition: { family: 'web', revision: 3, containerDefinitions: defs, ...extra },
  containerArns: {},
});

const input = (task: TaskAssignment, name: string, extra: Partial<ContainerSpecInput> = {}): ContainerSpecInput => ({
  task,
  container: task.taskDefinition.containerDefinitions!.find((c) => c.name === name)!,
  engineName: `ecs-web-3-${name}-aaaa`,
  cluster: 'prod',
  containerInstanceArn: INSTANCE_ARN,
  volumes: taskVolumes(task, {}),
  siblings: {},
  agentEnvironment: {},
  ...extra,
});

describe('container configuration', () => {
  it('names containers like the ECS agent', () => {
    const task = assignment([{ name: 'app', image: 'x' }]);
    assert.equal(containerEngineName(task, 'app', '0f1e2d'), 'ecs-web-3-app-0f1e2d');
  });

  it('runs the definition as assigned: the control plane has applied the overrides', () => {
    const task = assignment([
      { name: 'app', image: 'x', command: ['migrate'], environment: [{ name: 'A', value: '1' }], cpu: 512, memory: 256, memoryReservation: 64 },
    ]);
    const spec = containerSpec(input(task, 'app', { agentEnvironment: { AWS_EXECUTION_ENV: 'AWS_ECS_EC2' } }));
    assert.deepEqual(spec.command, ['migrate']);
    assert.deepEqual(spec.environment, { A: '1', AWS_EXECUTION_ENV: 'AWS_ECS_EC2' });
    assert.deepEqual([spec.cpuShares, spec.memoryBytes, spec.memoryReservationBytes], [512, 256 * 1024 * 1024, 64 * 1024 * 1024]);
  });

  it("gives containers with a network of their own the agent's resolvers, unless they name their own", () => {
    const resolvers = ['172.17.0.1'];
    const task = assignment([{ name: 'app', image: 'x' }, { name: 'own', image: 'x', dnsServers: ['10.0.0.2'] }]);
    assert.deepEqual(containerSpec(input(task, 'app', { resolvers })).dnsServers, resolvers);
    assert.deepEqual(containerSpec(input(task, 'own', { resolvers })).dnsServers, ['10.0.0.2']);
    const host = assignment([{ name: 'app', image: 'x' }], { networkMode: 'host' });
    assert.deepEqual(containerSpec(input(host, 'app', { resolvers })).dnsServers, resolvers);
    // awsvpc: the pause container has them (Docker refuses dns on a container joining another's namespace).
    const awsvpc = assignment([{ name: 'app', image: 'x' }], { networkMode: 'awsvpc' });
    assert.equal(containerSpec(input(awsvpc, 'app', { resolvers, host: { networkContainer: 'pause' } })).dnsServers, undefined);
    const none = assignment([{ name: 'app', image: 'x' }], { networkMode: 'none' });
    assert.equal(containerSpec(input(none, 'app', { resolvers })).dnsServers, undefined);
  });

  it("labels containers with ECS's labels over the definition's own", () => {
    const task = assignment([{ name: 'app', image: 'x', dockerLabels: { team: 'a', [LABELS.cluster]: 'spoofed' } }]);
    const spec = containerSpec(input(task, 'app'));
    assert.deepEqual(spec.labels, {
      team: 'a',
      'com.amazonaws.ecs.task-arn': TASK_ARN,
      'com.amazonaws.ecs.container-name': 'app',
      'com.amazonaws.ecs.cluster': 'prod',
      'com.amazonaws.ecs.task-definition-family': 'web',
      'com.amazonaws.ecs.task-definition-version': '3',
      'wharf.container-instance-arn': INSTANCE_ARN,
    });
  });

  it('gives CPU shares as the agent does: at least 2, at most 262144', () => {
    assert.equal(cpuShares(undefined), 2);
    assert.equal(cpuShares(0), 2);
    assert.equal(cpuShares(1), 2);
    assert.equal(cpuShares(512), 512);
    assert.equal(cpuShares(300000), 262144);
  });

  it('maps memory to hard and soft limits in bytes', () => {
    const spec = containerSpec(input(assignment([{ name: 'app', image: 'x', memory: 128, memoryReservation: 64 }]), 'app'));
    assert.equal(spec.memoryBytes, 128 * 1024 * 1024);
    assert.equal(spec.memoryReservationBytes, 64 * 1024 * 1024);
    const soft = containerSpec(input(assignment([{ name: 'app', image: 'x', memoryReservation: 64 }]), 'app'));
    assert.equal(soft.memoryBytes, undefined);
  });

  it('publishes ports on bridge (absent or 0 host port is dynamic), not on host', () => {
    const defs: ContainerDefinition[] = [
      {
        name: 'app',
        image: 'x',
        portMappings: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }, { containerPort: 53, protocol: 'udp' }],
      },
    ];
    assert.deepEqual(containerSpec(input(assignment(defs), 'app')).ports, [
      { containerPort: 80, hostPort: 8080, protocol: 'tcp' },
      { containerPort: 81, hostPort: undefined, protocol: 'tcp' },
      { containerPort: 53, hostPort: undefined, protocol: 'udp' },
    ]);
    const host = containerSpec(input(assignment(defs, { networkMode: 'host' }), 'app'));
    assert.equal(host.networkMode, 'host');
    assert.equal(host.ports, undefined);
    assert.equal(containerSpec(input(assignment(defs, { networkMode: 'awsvpc' }), 'app')).networkMode, 'bridge');
  });

  it("lets the agent's environment win over the definition's", () => {
    const task = assignment([{ name: 'app', image: 'x', environment: [{ name: 'AWS_EXECUTION_ENV', value: 'me' }, { name: 'A', value: '1' }] }]);
    const spec = containerSpec(input(task, 'app', { agentEnvironment: { AWS_EXECUTION_ENV: 'AWS_ECS_EC2' } }));
    assert.deepEqual(spec.environment, { AWS_EXECUTION_ENV: 'AWS_ECS_EC2', A: '1' });
  });

  it('carries the rest of the definition over', () => {
    const task = assignment([
      {
        name: 'app',
        image: 'x',
        entryPoint: ['/bin/sh', '-c'],
        command: ['run'],
        workingDirectory: '/srv',
        user: 'nobody',
        hostname: 'app.local',
        links: ['db:database'],
        volumesFrom: [{ sourceContainer: 'data', readOnly: true }],
        ulimits: [{ name: 'nofile', softLimit: 100, hardLimit: 200 }],
        readonlyRootFilesystem: true,
        extraHosts: [{ hostname: 'api', ipAddress: '10.0.0.1' }],
        dnsServers: ['1.1.1.1'],
        privileged: true,
        linuxParameters: { capabilities: { add: ['NET_ADMIN'], drop: ['MKNOD'] }, initProcessEnabled: true, sharedMemorySize: 64 },
        stopTimeout: 5,
        healthCheck: { command: ['CMD-SHELL', 'true'], interval: 10 },
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } },
      },
    ]);
    const spec = containerSpec(input(task, 'app', { siblings: { db: 'ecs-web-3-db-1', data: 'ecs-web-3-data-2' } }));
    assert.deepEqual(spec.entryPoint, ['/bin/sh', '-c']);
    assert.deepEqual(spec.command, ['run']);
    assert.equal(spec.workingDirectory, '/srv');
    assert.equal(spec.user, 'nobody');
    assert.equal(spec.hostname, 'app.local');
    assert.deepEqual(spec.links, [{ container: 'ecs-web-3-db-1', alias: 'database' }]);
    assert.deepEqual(spec.volumesFrom, [{ container: 'ecs-web-3-data-2', readOnly: true }]);
    assert.deepEqual(spec.ulimits, [{ name: 'nofile', soft: 100, hard: 200 }]);
    assert.equal(spec.readonlyRootFilesystem, true);
    assert.deepEqual(spec.extraHosts, [{ hostname: 'api', ipAddress: '10.0.0.1' }]);
    assert.deepEqual(spec.dnsServers, ['1.1.1.1']);
    assert.equal(spec.privileged, true);
    assert.deepEqual(spec.capAdd, ['NET_ADMIN']);
    assert.deepEqual(spec.capDrop, ['MKNOD']);
    assert.equal(spec.init, true);
    assert.equal(spec.shmSizeBytes, 64 * 1024 * 1024);
    assert.equal(spec.stopTimeoutSeconds, 5);
    assert.deepEqual(spec.healthCheck, { command: ['CMD-SHELL', 'true'], intervalSeconds: 10, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 0 });
    assert.deepEqual(spec.log, { driver: 'json-file', options: {} }, 'awslogs: the engine logs to json-file, which the agent reads and sends on');
  });

  it('defaults the stop timeout to 30 seconds', () => {
    assert.equal(containerSpec(input(assignment([{ name: 'app', image: 'x' }]), 'app')).stopTimeoutSeconds, 30);
  });

  it('resolves volumes: host paths, task and shared Docker volumes, empty task volumes', () => {
    const task = assignment(
      [
        {
          name: 'app',
          image: 'x',
          mountPoints: [
            { sourceVolume: 'logs', containerPath: '/logs' },
            { sourceVolume: 'cache', containerPath: '/cache', readOnly: true },
            { sourceVolume: 'shared', containerPath: '/shared' },
            { sourceVolume: 'scratch', containerPath: '/scratch' },
          ],
        },
      ],
      {
        volumes: [
          { name: 'logs', host: { sourcePath: '/var/log/app' } },
          { name: 'cache', dockerVolumeConfiguration: { scope: 'task', driver: 'local', labels: { a: 'b' } } },
          { name: 'shared', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
          { name: 'scratch', host: {} },
        ],
      },
    );
    const volumes = taskVolumes(task, { owner: 'task' });
    const taskScoped = 'ecs-web-3-cache-0123456789abcdef0123456789abcdef';
    assert.deepEqual(volumes, [
      { name: 'logs', kind: 'bind', sourcePath: '/var/log/app' },
      {
        name: 'cache',
        kind: 'volume',
        scope: 'task',
        autoprovision: true,
        spec: { name: taskScoped, driver: 'local', driverOptions: undefined, labels: { a: 'b', owner: 'task' } },
      },
      {
        name: 'shared',
        kind: 'volume',
        scope: 'shared',
        autoprovision: true,
        spec: { name: 'shared', driver: undefined, driverOptions: undefined, labels: undefined },
      },
      {
        name: 'scratch',
        kind: 'volume',
        scope: 'task',
        autoprovision: true,
        spec: { name: 'ecs-web-3-scratch-0123456789abcdef0123456789abcdef', driver: undefined, driverOptions: undefined, labels: { owner: 'task' } },
      },
    ]);
    assert.deepEqual(containerSpec(input(task, 'app', { volumes })).mounts, [
      { kind: 'bind', source: '/var/log/app', containerPath: '/logs', readOnly: false },
      { kind: 'volume', source: taskScoped, containerPath: '/cache', readOnly: true },
      { kind: 'volume', source: 'shared', containerPath: '/shared', readOnly: false },
      { kind: 'volume', source: 'ecs-web-3-scratch-0123456789abcdef0123456789abcdef', containerPath: '/scratch', readOnly: false },
    ]);
  });

  it('flags volume kinds the agent cannot provide', () => {
    const task = assignment([{ name: 'app', image: 'x' }], { volumes: [{ name: 'efs', efsVolumeConfiguration: { fileSystemId: 'fs-1' } }] });
    assert.equal(taskVolumes(task, {})[0]!.kind, 'unsupported');
  });

  it('adds links and volumesFrom as START dependencies', () => {
    assert.deepEqual(
      containerDependencies({
        name: 'app',
        links: ['db:database', 'cache'],
        volumesFrom: [{ sourceContainer: 'data' }, { sourceContainer: 'db' }],
        dependsOn: [{ containerName: 'cache', condition: 'HEALTHY' }],
      }),
      [
        { containerName: 'cache', condition: 'HEALTHY' },
        { containerName: 'db', condition: 'START' },
        { containerName: 'data', condition: 'START' },
      ],
    );
  });
});
