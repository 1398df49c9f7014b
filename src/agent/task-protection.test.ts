import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterNotFoundException, type UpdateTaskProtectionRequest } from '@aws-sdk/client-ecs';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import type { ContainerRuntime } from '../core/runtime.js';
import type { Logger } from '../core/ports.js';
import { MetadataServer } from './metadata-server.js';
import type { TaskSnapshot } from './task-engine.js';
import { answerTaskProtection, type TaskProtectionClient } from './task-protection.js';

const taskArn = 'arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef';
const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/default';
const role: RoleCredentials = { roleArn: 'arn:aws:iam::123456789012:role/app', accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: '2026-01-01T06:00:00Z' };
const task = (): TaskAssignment =>
  ({
    taskArn,
    clusterArn,
    desiredStatus: 'RUNNING',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    taskDefinition: { family: 'web', revision: 1, networkMode: 'bridge', taskRoleArn: role.roleArn, containerDefinitions: [{ name: 'app', image: 'busybox' }] },
    containerArns: { app: `${taskArn}/app` },
    group: 'service:web',
  }) as TaskAssignment;

/** A client that records its calls and answers as ECS would for a protected service task. */
function recording(fail?: Error) {
  const calls: { credentials: RoleCredentials; input: unknown }[] = [];
  const client: TaskProtectionClient = {
    async getTaskProtection(credentials, input) {
      calls.push({ credentials, input });
      if (fail) throw fail;
      return { protectedTasks: [{ taskArn, protectionEnabled: false }], failures: [] };
    },
    async updateTaskProtection(credentials, input: UpdateTaskProtectionRequest) {
      calls.push({ credentials, input });
      if (fail) throw fail;
      return { protectedTasks: [{ taskArn, protectionEnabled: true, expirationDate: new Date('2026-01-01T02:00:00Z') }], failures: [] };
    },
  };
  return { client, calls };
}

test('PUT sets protection through UpdateTaskProtection with the task role; the answer is the agent endpoint\'s', async () => {
  const { client, calls } = recording();
  const out = await answerTaskProtection(client, task(), role, 'PUT', '{"ProtectionEnabled":true,"ExpiresInMinutes":60}');
  assert.deepEqual(calls, [{ credentials: role, input: { cluster: clusterArn, tasks: [taskArn], protectionEnabled: true, expiresInMinutes: 60 } }]);
  assert.deepEqual(out, { status: 200, body: { protection: { ExpirationDate: '2026-01-01T02:00:00.000Z', ProtectionEnabled: true, TaskArn: taskArn } } });
});

test('GET reads it through GetTaskProtection', async () => {
  const { client, calls } = recording();
  const out = await answerTaskProtection(client, task(), role, 'GET', '');
  assert.deepEqual(calls[0]!.input, { cluster: clusterArn, tasks: [taskArn] });
  assert.deepEqual(out.body, { protection: { ExpirationDate: null, ProtectionEnabled: false, TaskArn: taskArn } });
});

test('a failure ECS reports is a `failure`; an ECS error an `error` with its status', async () => {
  const failing: TaskProtectionClient = {
    getTaskProtection: async () => ({ protectedTasks: [], failures: [{ arn: taskArn, reason: 'TASK_NOT_VALID' }] }),
    updateTaskProtection: async () => ({}),
  };
  assert.deepEqual((await answerTaskProtection(failing, task(), role, 'GET', '')).body, { failure: { Arn: taskArn, Reason: 'TASK_NOT_VALID', Detail: null } });
  const refused = new ClusterNotFoundException({ message: 'Cluster not found.', $metadata: { httpStatusCode: 400 } });
  const out = await answerTaskProtection(recording(refused).client, task(), role, 'GET', '');
  assert.deepEqual(out, { status: 400, body: { error: { Arn: taskArn, Code: 'ClusterNotFoundException', Message: 'Cluster not found.' } } });
});

test('refused before any call: a task without a role, a body without a boolean ProtectionEnabled', async () => {
  const { client, calls } = recording();
  assert.equal((await answerTaskProtection(client, task(), undefined, 'GET', '')).status, 403);
  for (const body of ['', '{}', '{"ProtectionEnabled":"yes"}', '{"ProtectionEnabled":true,"ExpiresInMinutes":1.5}', '[]']) {
    const out = await answerTaskProtection(client, task(), role, 'PUT', body);
    assert.equal(out.status, 400, body);
    assert.equal((out.body.error as { Code: string }).Code, 'InvalidParameterException');
  }
  assert.equal(calls.length, 0);
});

test('the metadata server gives ECS_AGENT_URI and serves the state path under it, for the task it names only', async () => {
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  const snapshot = { taskArn, assignment: task(), desiredStatus: 'RUNNING', knownStatus: 'RUNNING', containers: [{ name: 'app', runtimeId: 'c1', knownStatus: 'RUNNING' }] } as unknown as TaskSnapshot;
  const { client, calls } = recording();
  const server = new MetadataServer({
    engine: { taskArns: () => [taskArn], snapshot: () => snapshot },
    // The bridge container asks from loopback here: it is the task's own address.
    runtime: { inspectContainer: async () => ({ status: 'running', ipv4Addresses: ['127.0.0.1'] }) } as unknown as ContainerRuntime,
    log: quiet,
    key: Buffer.alloc(32, 7),
    region: 'us-east-1',
    bridgeGateway: '127.0.0.1',
    taskProtection: client,
    taskCredentials: () => role,
  });
  await server.listen();
  try {
    const env = server.environment(task(), 'app');
    assert.match(env.ECS_AGENT_URI!, /^http:\/\/127\.0\.0\.1:\d+\/api\/0123456789abcdef0123456789abcdef-[0-9a-f]{32}$/);
    const put = await fetch(`${env.ECS_AGENT_URI}/task-protection/v1/state`, { method: 'PUT', body: '{"ProtectionEnabled":true}' });
    assert.equal(put.status, 200);
    assert.equal(((await put.json()) as { protection: { ProtectionEnabled: boolean } }).protection.ProtectionEnabled, true);
    assert.equal((calls[0]!.input as UpdateTaskProtectionRequest).expiresInMinutes, undefined, 'ECS applies its default');
    const guessed = env.ECS_AGENT_URI!.replace(/-[0-9a-f]{32}$/, `-${'0'.repeat(32)}`);
    assert.equal((await fetch(`${guessed}/task-protection/v1/state`)).status, 404);
    assert.equal((await fetch(`${env.ECS_AGENT_URI}/task-protection/v1/state`, { method: 'DELETE' })).status, 405);
  } finally {
    await server.close();
  }
});
