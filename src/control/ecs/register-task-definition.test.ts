import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerDefinition, RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { fixture, webDefinition } from './fixtures.js';
import { registerTaskDefinition } from './register-task-definition.js';

const container = (over: Partial<ContainerDefinition> = {}): ContainerDefinition => ({
  name: 'app',
  image: 'wharf-test/busybox:latest',
  memory: 128,
  ...over,
});

test('RegisterTaskDefinition adds ECS computed members and defaults', async () => {
  const f = await fixture();
  const { taskDefinition: d, tags } = await registerTaskDefinition(f.ctx, webDefinition({ tags: [{ key: 'k', value: 'v' }] }), f.call);
  assert.equal(d?.taskDefinitionArn, 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
  assert.equal(d?.revision, 1);
  assert.equal(d?.status, 'ACTIVE');
  assert.equal(d?.networkMode, 'bridge');
  assert.deepEqual(d?.compatibilities, ['EXTERNAL', 'EC2']);
  assert.deepEqual(d?.requiresAttributes, []);
  assert.deepEqual(d?.registeredAt, new Date('2026-01-01T00:00:00Z'));
  assert.equal(d?.registeredBy, 'arn:aws:iam::123456789012:user/alice');
  assert.deepEqual(d?.volumes, []);
  assert.deepEqual(d?.placementConstraints, []);
  assert.deepEqual(tags, [{ key: 'k', value: 'v' }]);
  assert.equal((d as { tags?: unknown }).tags, undefined, 'tags travel beside the definition, not in it');
  const c = d?.containerDefinitions?.[0];
  assert.deepEqual(
    { essential: c?.essential, portMappings: c?.portMappings, environment: c?.environment, mountPoints: c?.mountPoints, volumesFrom: c?.volumesFrom },
    { essential: true, portMappings: [], environment: [], mountPoints: [], volumesFrom: [] },
  );
});

test('RegisterTaskDefinition keeps every member it is given', async () => {
  const f = await fixture();
  const full: ContainerDefinition = {
    name: 'app',
    image: 'wharf-test/busybox:latest',
    cpu: 128,
    memory: 256,
    memoryReservation: 128,
    command: ['sh', '-c', 'httpd -f'],
    entryPoint: ['/bin/sh'],
    environment: [{ name: 'A', value: '1' }],
    workingDirectory: '/srv',
    user: 'nobody',
    dockerLabels: { team: 'wharf' },
    ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
    healthCheck: { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 3, startPeriod: 1 },
    linuxParameters: { initProcessEnabled: true, capabilities: { add: ['NET_ADMIN'] } },
    stopTimeout: 10,
    readonlyRootFilesystem: true,
    extraHosts: [{ hostname: 'db', ipAddress: '10.0.0.2' }],
    logConfiguration: { logDriver: 'json-file', options: { 'max-size': '1m' } },
  };
  const input: RegisterTaskDefinitionRequest = {
    family: 'full',
    taskRoleArn: 'arn:aws:iam::123456789012:role/task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: [full],
    volumes: [{ name: 'data', host: { sourcePath: '/tmp/data' } }],
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.os-type == linux' }],
    pidMode: 'host',
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    ephemeralStorage: { sizeInGiB: 30 },
  };
  const { taskDefinition: d } = await registerTaskDefinition(f.ctx, input, f.call);
  for (const [key, value] of Object.entries(full)) assert.deepEqual(d?.containerDefinitions?.[0]?.[key as keyof ContainerDefinition], value, key);
  for (const key of ['taskRoleArn', 'executionRoleArn', 'volumes', 'placementConstraints', 'pidMode', 'runtimePlatform', 'ephemeralStorage'] as const) {
    assert.deepEqual(d?.[key], input[key], key);
  }
  const names = d?.requiresAttributes?.map((a) => a.name);
  for (const name of [
    'com.amazonaws.ecs.capability.task-iam-role',
    'com.amazonaws.ecs.capability.docker-remote-api.1.21',
    'com.amazonaws.ecs.capability.docker-remote-api.1.24',
    'ecs.capability.container-health-check',
    'com.amazonaws.ecs.capability.logging-driver.json-file',
    'ecs.capability.container-ordering',
    'ecs.capability.pid-ipc-namespace-sharing',
  ]) {
    assert.ok(names?.includes(name), name);
  }
});

test('RegisterTaskDefinition counts revisions per family and never reuses one', async () => {
  const f = await fixture();
  assert.equal((await registerTaskDefinition(f.ctx, webDefinition(), f.call)).taskDefinition?.revision, 1);
  assert.equal((await registerTaskDefinition(f.ctx, webDefinition(), f.call)).taskDefinition?.revision, 2);
  assert.equal((await registerTaskDefinition(f.ctx, webDefinition({ family: 'other' }), f.call)).taskDefinition?.revision, 1);
  await f.ctx.state.mutate((tx) => tx.delete('taskDefinition', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:2'));
  assert.equal((await registerTaskDefinition(f.ctx, webDefinition(), f.call)).taskDefinition?.revision, 3);
});

test('RegisterTaskDefinition normalises task cpu and memory, and tells Fargate-capable definitions', async () => {
  const f = await fixture();
  const { taskDefinition: d } = await registerTaskDefinition(
    f.ctx,
    { family: 'f', networkMode: 'awsvpc', cpu: '0.5 vCPU', memory: '1GB', containerDefinitions: [{ name: 'a', image: 'i', portMappings: [{ containerPort: 80 }] }] },
    f.call,
  );
  assert.equal(d?.cpu, '512');
  assert.equal(d?.memory, '1024');
  assert.deepEqual(d?.compatibilities, ['EC2', 'FARGATE']);
  assert.deepEqual(d?.containerDefinitions?.[0]?.portMappings, [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
  assert.ok(d?.requiresAttributes?.some((a) => a.name === 'ecs.capability.task-eni'));

  const bridge = await registerTaskDefinition(f.ctx, webDefinition({ containerDefinitions: [container({ portMappings: [{ containerPort: 80 }] })] }), f.call);
  assert.deepEqual(bridge.taskDefinition?.containerDefinitions?.[0]?.portMappings, [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }]);
});

test('RegisterTaskDefinition checks what ECS checks', async () => {
  const f = await fixture();
  const refused: [string, RegisterTaskDefinitionRequest, string?][] = [
    ['bad family', webDefinition({ family: 'a b' })],
    ['no containers', webDefinition({ containerDefinitions: [] })],
    ['too many containers', webDefinition({ containerDefinitions: Array.from({ length: 11 }, (_, i) => container({ name: `c${i}` })) })],
    ['no image', webDefinition({ containerDefinitions: [{ name: 'a', memory: 64 }] }), 'Container.image should not be null or empty.'],
    ['duplicate names', webDefinition({ containerDefinitions: [container(), container()] })],
    [
      'no memory',
      webDefinition({ containerDefinitions: [{ name: 'x', image: 'i' }] }),
      "Invalid setting for container 'x'. At least one of 'memory' or 'memoryReservation' must be specified.",
    ],
    ['reservation over limit', webDefinition({ containerDefinitions: [container({ memory: 64, memoryReservation: 128 })] })],
    ['unknown dependency', webDefinition({ containerDefinitions: [container({ dependsOn: [{ containerName: 'db', condition: 'START' }] })] })],
    [
      'healthy dependency without health check',
      webDefinition({ containerDefinitions: [container(), container({ name: 'b', dependsOn: [{ containerName: 'app', condition: 'HEALTHY' }] })] }),
    ],
    ['unknown volume', webDefinition({ containerDefinitions: [container({ mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] })] })],
    ['no essential container', webDefinition({ containerDefinitions: [container({ essential: false })] })],
    [
      'awsvpc host port differs',
      webDefinition({ networkMode: 'awsvpc', containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })] }),
      'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
    ],
    ['containers over task memory', webDefinition({ memory: '512', containerDefinitions: [container({ memoryReservation: 600, memory: undefined })] })],
    ['containers over task cpu', webDefinition({ cpu: '256', containerDefinitions: [container({ cpu: 512 })] })],
    ['fargate in bridge mode', webDefinition({ requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }), "Fargate only supports network mode 'awsvpc'."],
    ['fargate without cpu', webDefinition({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', memory: '512' })],
    ['fargate size', webDefinition({ requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '4096' })],
    ['external in awsvpc', webDefinition({ requiresCompatibilities: ['EXTERNAL'], networkMode: 'awsvpc' })],
  ];
  for (const [why, input, message] of refused) {
    await assert.rejects(registerTaskDefinition(f.ctx, input, f.call), { code: 'ClientException', ...(message ? { message } : {}) }, why);
  }
  await assert.rejects(registerTaskDefinition(f.ctx, webDefinition({ cpu: 'lots' }), f.call), { code: 'InvalidParameterException' });
  await assert.rejects(registerTaskDefinition(f.ctx, webDefinition({ tags: [{ key: 'AWS:x', value: '' }] }), f.call), {
    code: 'InvalidParameterException',
  });
  assert.equal(f.ctx.state.count('taskDefinition'), 0, 'nothing was written');
});

test('RegisterTaskDefinition accepts containers without memory when the task sets it', async () => {
  const f = await fixture();
  const { taskDefinition: d } = await registerTaskDefinition(
    f.ctx,
    { family: 'm', memory: '512', containerDefinitions: [{ name: 'a', image: 'i' }], requiresCompatibilities: ['EC2'] },
    f.call,
  );
  assert.equal(d?.memory, '512');
  assert.deepEqual(d?.requiresCompatibilities, ['EC2']);
});

test("AWS's quotas: a definition over 64 KiB as sent, a family past 1,000,000 revisions", async () => {
  const f = await fixture();
  const environment = Array.from({ length: 700 }, (_, i) => ({ name: `VARIABLE_${i}`, value: 'x'.repeat(64) }));
  await assert.rejects(registerTaskDefinition(f.ctx, webDefinition({ containerDefinitions: [container({ environment })] }), f.call), {
    name: 'ClientException',
    message: /^Actual length: '\d+'\. Max allowed length is '65536' bytes\.$/,
  });
  await f.ctx.state.mutate((tx) => tx.put('taskDefinitionFamily', 'web', { family: 'web', latestRevision: 1_000_000 }));
  await assert.rejects(registerTaskDefinition(f.ctx, webDefinition(), f.call), { name: 'ClientException', message: /limit of 1000000 revisions/ });
});
