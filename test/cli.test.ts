// The `wharf` command as a user meets it: env exports, root credentials, permissive auth, reset, shutdown.
import {
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  CreateClusterCommand,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { testSigner } from '../src/protocol/test-signer.js';
import { WHARF_BIN, eventually, startWharf } from './wharf-process.js';

test('wharf env prints exports that reach the running Wharf; credentials are private', async () => {
  const wharf = await startWharf();
  try {
    const out = execFileSync(process.execPath, [WHARF_BIN, 'env', '--data-dir', wharf.dataDir]).toString();
    const exports = Object.fromEntries([...out.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
    assert.equal(exports.AWS_ENDPOINT_URL, wharf.endpoint);
    assert.equal(exports.AWS_ACCESS_KEY_ID, wharf.credentials.accessKeyId);
    assert.equal(exports.AWS_SECRET_ACCESS_KEY, wharf.credentials.secretAccessKey);
    assert.equal(exports.AWS_DEFAULT_REGION, 'us-east-1');
    assert.equal(statSync(join(wharf.dataDir, 'credentials.json')).mode & 0o777, 0o600);
    const listed = execFileSync('aws', ['ecs', 'list-clusters', '--output', 'json'], { env: { ...process.env, ...exports } }).toString();
    assert.match(listed, /cluster\/default/);
  } finally {
    assert.equal(await wharf.stop('SIGTERM'), 0, 'a clean shutdown exits 0');
  }
});

test('root credentials from the environment, and permissive auth for any well-formed signature', async () => {
  const root = { accessKeyId: 'AKIAWHARFTESTROOT001', secretAccessKey: 'wharf-test-secret' };
  const wharf = await startWharf({
    args: ['--auth', 'permissive'],
    env: { WHARF_ROOT_ACCESS_KEY_ID: root.accessKeyId, WHARF_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey },
  });
  try {
    const signedBy = (credentials: typeof root) => new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    assert.ok((await signedBy(root).send(new ListClustersCommand({}))).clusterArns);
    assert.ok((await signedBy({ accessKeyId: 'AKIAANYTHINGATALL000', secretAccessKey: 'whatever' }).send(new ListClustersCommand({}))).clusterArns);
  } finally {
    await wharf.stop();
  }
});

test('POST /_wharf/reset stops every task and wipes the state; Wharf stays usable', async () => {
  const wharf = await startWharf();
  const ecs = wharf.ecs();
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'extra' }));
    await ecs.send(new RegisterTaskDefinitionCommand({
      family: 'reset-me',
      containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['sh', '-c', "trap 'exit 143' TERM; sleep 300 & wait"] }],
    }));
    const { tasks: [task] = [] } = await ecs.send(new RunTaskCommand({ taskDefinition: 'reset-me' }));
    const runtimeId = await eventually(async () => {
      const { tasks: [t] = [] } = await ecs.send(new DescribeTasksCommand({ tasks: [task!.taskArn!] }));
      return t?.lastStatus === 'RUNNING' ? t.containers![0]!.runtimeId : undefined;
    }, 'RUNNING');

    const url = new URL(`${wharf.endpoint}/_wharf/reset`);
    const unsigned = await fetch(url, { method: 'POST' });
    assert.equal(unsigned.status, 400, 'reset needs the root credentials');
    const signed = await testSigner(wharf.credentials).sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } });
    const reset = await fetch(url, { method: 'POST', headers: signed.headers });
    assert.equal(reset.status, 200);

    assert.deepEqual((await ecs.send(new ListClustersCommand({}))).clusterArns?.map((a) => a.split('/').at(-1)), ['default']);
    assert.deepEqual((await ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns, []);
    await eventually(async () => (execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', runtimeId!]).toString().trim() === 'false' ? true : undefined), 'the container stopped');
    // Still usable at once: the local instance is registered and connected.
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'after', containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 32, command: ['true'] }] }));
    const { tasks: again = [], failures } = await ecs.send(new RunTaskCommand({ taskDefinition: 'after' }));
    assert.deepEqual(failures, []);
    assert.equal(again.length, 1);
  } finally {
    await wharf.stop();
  }
});
