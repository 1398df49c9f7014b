import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import type { ContainerRuntime } from '../core/runtime.js';
import { MetadataServer } from './metadata-server.js';
import type { TaskSnapshot } from './task-engine.js';
import type { TaskProtectionClient } from './task-protection.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/default/${id.repeat(32)}`;

function assignment(id: string, networkMode: string, network?: { privateIpv4Address: string; gateway: string; subnetCidr: string }): TaskAssignment {
  return {
    taskArn: arn(id),
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    desiredStatus: 'RUNNING',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    taskDefinition: { family: 'web', revision: 1, networkMode, containerDefinitions: [{ name: 'app', image: 'busybox' }] },
    containerArns: { app: `${arn(id)}/app` },
    ...(network && { network }),
  } as unknown as TaskAssignment;
}

/** A server over tasks whose one container has the given address on the bridge; the test asks from loopback. */
async function serving(tasks: { assignment: TaskAssignment; address: string }[], now = () => 0) {
  const snapshots = new Map(
    tasks.map(({ assignment: a }, i) => [a.taskArn, { taskArn: a.taskArn, assignment: a, desiredStatus: 'RUNNING', knownStatus: 'RUNNING', containers: [{ name: 'app', runtimeId: `c${i}`, knownStatus: 'RUNNING' }] } as unknown as TaskSnapshot]),
  );
  const byId = new Map(tasks.map(({ address }, i) => [`c${i}`, address]));
  const runtime = {
    inspectContainer: async (id: string) => ({ id, name: `/${id}`, status: 'running', ipv4Addresses: [byId.get(id)!] }),
  } as unknown as ContainerRuntime;
  const server = new MetadataServer({
    engine: { taskArns: () => [...snapshots.keys()], snapshot: (a) => snapshots.get(a) },
    runtime,
    log: quiet,
    key: Buffer.alloc(32, 7),
    region: 'us-east-1',
    bridgeGateway: '127.0.0.1',
    taskProtection: {} as TaskProtectionClient,
    taskCredentials: () => undefined,
    now,
  });
  await server.listen();
  // Containers reach the server at their gateway; here every task reaches it on loopback.
  const uri = (a: TaskAssignment) => {
    const url = new URL(server.environment(a, 'app').ECS_CONTAINER_METADATA_URI_V4!);
    url.hostname = '127.0.0.1';
    return url.href;
  };
  return { server, uri };
}

test('a container\'s path carries 128 bits of the HMAC, stable for the same key, task and container', async () => {
  const a = assignment('a', 'bridge');
  const { server, uri } = await serving([{ assignment: a, address: '127.0.0.1' }]);
  try {
    const path = new URL(uri(a)).pathname;
    assert.match(path, new RegExp(`^/v4/${'a'.repeat(32)}-[0-9a-f]{32}$`));
    assert.equal(new URL(server.environment(a, 'app').ECS_CONTAINER_METADATA_URI_V4!).pathname, path);
    assert.equal((await fetch(uri(a))).status, 200);
    assert.equal((await fetch(uri(a).replace(/-[0-9a-f]{32}$/, `-${'0'.repeat(32)}`))).status, 404);
  } finally {
    await server.close();
  }
});

test("a task's metadata is answered only from the task's own addresses, in every network mode", async () => {
  const mine = [
    { assignment: assignment('a', 'bridge'), address: '127.0.0.1' },
    { assignment: assignment('b', 'awsvpc', { privateIpv4Address: '127.0.0.1', gateway: '127.0.0.1', subnetCidr: '127.0.0.0/8' }), address: '127.0.0.1' },
    { assignment: assignment('c', 'host'), address: '' },
  ];
  const others = [
    { assignment: assignment('d', 'bridge'), address: '172.17.0.9' },
    { assignment: assignment('e', 'awsvpc', { privateIpv4Address: '10.0.1.9', gateway: '10.0.1.1', subnetCidr: '10.0.1.0/24' }), address: '10.0.1.9' },
  ];
  const { server, uri } = await serving([...mine, ...others]);
  try {
    for (const { assignment: a } of mine) assert.equal((await fetch(uri(a))).status, 200, a.taskDefinition.networkMode);
    for (const { assignment: a } of others) {
      const res = await fetch(uri(a));
      assert.equal(res.status, 404, `another address than ${a.taskDefinition.networkMode} task's own`);
      assert.deepEqual(await res.json(), { message: 'Unable to find task metadata for this request' });
    }
  } finally {
    await server.close();
  }
});

test("each source is throttled as ECS's agent throttles it: 429 past a burst of 60, 40 a second after", async () => {
  let now = 0;
  const a = assignment('a', 'bridge');
  const { server, uri } = await serving([{ assignment: a, address: '127.0.0.1' }], () => now);
  try {
    const statuses = [];
    for (let i = 0; i < 61; i++) statuses.push((await fetch(uri(a))).status);
    assert.deepEqual(statuses, [...Array(60).fill(200), 429]);
    assert.equal((await fetch(uri(a).replace(/-[0-9a-f]{32}$/, `-${'0'.repeat(32)}`))).status, 429, 'before the path is even looked at');
    now += 25;
    assert.equal((await fetch(uri(a))).status, 200);
    assert.equal((await fetch(uri(a))).status, 429);
  } finally {
    await server.close();
  }
});
