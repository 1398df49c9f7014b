import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialsServer } from './credentials-server.js';
import { EndpointRelay } from './endpoint-relay.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
const NOW = Date.parse('2026-01-01T00:00:00Z');

const credentials = (key: string, expiration = '2026-01-01T01:00:00.000Z'): RoleCredentials => ({
  roleArn: 'arn:aws:iam::123456789012:role/app',
  accessKeyId: key,
  secretAccessKey: `${key}-secret`,
  sessionToken: `${key}-token`,
  expiration,
});

function task(id: string, over: Partial<TaskAssignment> = {}, networkMode = 'bridge'): TaskAssignment {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/default/${id}`,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    desiredStatus: 'RUNNING',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    taskDefinition: { family: 'web', networkMode: networkMode as 'bridge', taskRoleArn: 'arn:aws:iam::123456789012:role/app', containerDefinitions: [{ name: 'app' }] },
    containerArns: {},
    roleCredentials: { task: credentials(`ASIA${id.toUpperCase()}`) },
    ...over,
  };
}

function server(now = NOW) {
  const bridge: Record<string, string[]> = {};
  const s = new CredentialsServer({
    key: Buffer.alloc(32, 7),
    log: quiet,
    now: () => new Date(now),
    addresses: { containerAddresses: async (arn) => bridge[arn] ?? [], isHostAddress: (a) => a === '127.0.0.1' || a === '192.168.1.5' },
  });
  const ask = (uri: string, from: string) => s.handle({ method: 'GET', url: uri, socket: { remoteAddress: `::ffff:${from}` } as never });
  return { s, bridge, ask };
}

test("a task's URI answers its role's credentials as ECS's endpoint does, from the task's own addresses only", async () => {
  const { s, bridge, ask } = server();
  const a = task('aaaa');
  const b = task('bbbb');
  const vpc = task('cccc', { network: { privateIpv4Address: '10.0.1.9', gateway: '10.0.1.1' } as TaskAssignment['network'] }, 'awsvpc');
  const host = task('dddd', {}, 'host');
  s.update([a, b, vpc, host]);
  bridge[a.taskArn] = ['172.17.0.3'];
  bridge[b.taskArn] = ['172.17.0.4'];

  const uri = s.environment(a).AWS_CONTAINER_CREDENTIALS_RELATIVE_URI!;
  assert.match(uri, /^\/v2\/credentials\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(uri.includes('aaaa'), false, 'the URI does not show the task');
  assert.notEqual(uri, s.relativeUri(b.taskArn));
  assert.deepEqual(await ask(uri, '172.17.0.3'), {
    status: 200,
    body: { AccessKeyId: 'ASIAAAAA', SecretAccessKey: 'ASIAAAAA-secret', Token: 'ASIAAAAA-token', Expiration: '2026-01-01T01:00:00.000Z', RoleArn: a.roleCredentials!.task!.roleArn },
  });
  // Another task's container asking for this task's URI, or the host, or a guess: refused alike.
  for (const [path, from] of [[uri, '172.17.0.4'], [uri, '127.0.0.1'], [s.relativeUri('arn:aws:ecs:us-east-1:123456789012:task/default/zzzz'), '172.17.0.3'], ['/v2/credentials', '172.17.0.3']] as const) {
    assert.equal((await ask(path, from)).status, 400, `${path} from ${from}`);
  }
  assert.equal((await ask(s.relativeUri(vpc.taskArn), '10.0.1.9')).status, 200);
  assert.equal((await ask(s.relativeUri(vpc.taskArn), '172.17.0.3')).status, 400);
  assert.equal((await ask(s.relativeUri(host.taskArn), '192.168.1.5')).status, 200);
  assert.equal((await ask(s.relativeUri(host.taskArn), '172.17.0.3')).status, 400);

  assert.deepEqual(await s.routes('172.17.0.1'), {
    port: 0,
    tasks: [
      { source: '172.17.0.3', gateway: '172.17.0.1' },
      { source: '172.17.0.4', gateway: '172.17.0.1' },
      { source: '10.0.1.9', gateway: '10.0.1.1' },
    ],
    hostTasks: true,
    bridge: { gateway: '172.17.0.1' },
  });
  s.update([]);
  assert.deepEqual(await s.routes('172.17.0.1'), { port: 0, tasks: [], hostTasks: false, bridge: { gateway: '172.17.0.1' } }, 'the bridge before any task');
  s.update([a, b, vpc, host]);

  // Renewed credentials replace the old; a task no longer assigned (stopped) is forgotten.
  s.update([{ ...a, roleCredentials: { task: credentials('ASIANEW') } }]);
  assert.equal(((await ask(uri, '172.17.0.3')).body as { AccessKeyId: string }).AccessKeyId, 'ASIANEW');
  assert.equal((await ask(s.relativeUri(b.taskArn), '172.17.0.4')).status, 400);
  s.update([]);
  assert.equal((await ask(uri, '172.17.0.3')).status, 400);
});

test('expired credentials are not served; a task waits for the credentials of the roles it names', async () => {
  const { s, bridge, ask } = server(Date.parse('2026-01-01T02:00:00Z'));
  const a = task('aaaa');
  bridge[a.taskArn] = ['172.17.0.3'];
  s.update([a]);
  assert.equal((await ask(s.relativeUri(a.taskArn), '172.17.0.3')).status, 400);

  const waiting = task('eeee', { roleCredentials: undefined });
  waiting.taskDefinition = { ...waiting.taskDefinition, executionRoleArn: 'arn:aws:iam::123456789012:role/exec' };
  s.update([waiting]);
  assert.equal(s.ready(waiting.taskArn), false);
  s.update([{ ...waiting, roleCredentials: { task: credentials('T') } }]);
  assert.equal(s.ready(waiting.taskArn), false, 'the execution role too');
  s.update([{ ...waiting, roleCredentials: { task: credentials('T'), execution: credentials('E') } }]);
  assert.equal(s.ready(waiting.taskArn), true);
  assert.equal(s.executionCredentials(waiting.taskArn)?.accessKeyId, 'E');
  assert.equal(s.ready('arn:aws:ecs:us-east-1:123456789012:task/default/unknown'), true);
  assert.deepEqual(s.environment({ ...a, taskDefinition: { ...a.taskDefinition, taskRoleArn: undefined } }), {});
});

test("other paths are relayed unchanged to Wharf's API for the agent's tasks only", async () => {
  const upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d)).on('end', () => res.writeHead(201, { 'x-seen': 'yes' }).end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, auth: req.headers.authorization, body })));
  }).listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const bridge: Record<string, string[]> = {};
  const s = new CredentialsServer({
    key: Buffer.alloc(32, 7),
    log: quiet,
    now: () => new Date(NOW),
    addresses: { containerAddresses: async (arn) => bridge[arn] ?? [], isHostAddress: () => false },
    relay: new EndpointRelay(new URL(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)),
  });
  const port = await s.listen();
  const call = () =>
    fetch(`http://127.0.0.1:${port}/some/path?x=1`, { method: 'POST', headers: { authorization: 'AWS4-HMAC-SHA256 sig' }, body: 'Action=GetCallerIdentity' });
  const a = task('aaaa');
  s.update([a]);
  const refused = await call();
  assert.equal(refused.status, 403, 'from no task of this agent');

  bridge[a.taskArn] = ['127.0.0.1']; // the container has just started: found on the miss
  const relayed = await call();
  assert.equal(relayed.status, 201);
  assert.equal(relayed.headers.get('x-seen'), 'yes');
  // The Host the caller signed for (the relay's address), not the upstream's.
  assert.deepEqual(await relayed.json(), { method: 'POST', url: '/some/path?x=1', host: `127.0.0.1:${port}`, auth: 'AWS4-HMAC-SHA256 sig', body: 'Action=GetCallerIdentity' });
  assert.equal((await fetch(`http://127.0.0.1:${port}${s.relativeUri(a.taskArn)}`)).status, 200, 'credentials are still served here');
  await s.close();
  upstream.close();
});

test("each source is throttled as ECS's agent throttles its task endpoints: 429 past a burst of 60", async () => {
  let now = NOW;
  const s = new CredentialsServer({
    key: Buffer.alloc(32, 7),
    log: quiet,
    now: () => new Date(now),
    addresses: { containerAddresses: async () => ['127.0.0.1'], isHostAddress: () => false },
  });
  const port = await s.listen();
  try {
    const a = task('aaaa');
    s.update([a]);
    const ask = async () => (await fetch(`http://127.0.0.1:${port}${s.relativeUri(a.taskArn)}`)).status;
    const statuses = [];
    for (let i = 0; i < 61; i++) statuses.push(await ask());
    assert.deepEqual(statuses, [...Array(60).fill(200), 429]);
    now += 1000;
    assert.equal(await ask(), 200, 'refilled a second later');
  } finally {
    await s.close();
  }
});
