// Bad input through the real server: each gets AWS's status and error code, the server keeps running,
// and the state is unchanged. (JSON services such as ECS answer authentication failures with 400.)
import { ECSClient, ListClustersCommand, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { testSigner } from '../src/protocol/test-signer.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
before(async () => {
  wharf = await startWharf();
});
after(async () => {
  await wharf?.stop();
});

async function call(target: string, body: string, options: { sign?: boolean; secret?: string; date?: Date; contentType?: string } = {}) {
  const url = new URL(wharf.endpoint);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': options.contentType ?? 'application/x-amz-json-1.1',
    'x-amz-target': `AmazonEC2ContainerServiceV20141113.${target}`,
  };
  let signed = headers;
  if (options.sign !== false) {
    const signer = testSigner({ accessKeyId: wharf.credentials.accessKeyId, secretAccessKey: options.secret ?? wharf.credentials.secretAccessKey });
    const request = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body },
      { signingDate: options.date ?? new Date() },
    );
    signed = request.headers;
  }
  const response = await fetch(wharf.endpoint + '/', { method: 'POST', headers: signed, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const code = (body: { __type?: string }) => body.__type?.split('#').at(-1);

test('a well-formed signed call succeeds', async () => {
  const { status, body } = await call('ListClusters', '{}');
  assert.equal(status, 200);
  assert.ok(Array.isArray(body.clusterArns));
});

test('malformed JSON is a SerializationException', async () => {
  const { status, body } = await call('ListClusters', '{"maxResults": ');
  assert.equal(status, 400);
  assert.equal(code(body), 'SerializationException');
});

test('an unknown operation is an UnknownOperationException', async () => {
  const { status, body } = await call('LaunchRockets', '{}');
  assert.equal(status, 400);
  assert.equal(code(body), 'UnknownOperationException');
});

test('a wrong type is rejected as AWS does', async () => {
  const { status, body } = await call('ListClusters', '{"maxResults": "ten"}');
  assert.equal(status, 400);
  assert.ok(['SerializationException', 'InvalidParameterException'].includes(code(body)!), JSON.stringify(body));
});

test('a missing required member is rejected', async () => {
  const { status, body } = await call('RunTask', '{}');
  assert.equal(status, 400);
  assert.ok(['InvalidParameterException', 'ClientException', 'ValidationException'].includes(code(body)!), JSON.stringify(body));
});

test('no authentication at all', async () => {
  const { status, body } = await call('ListClusters', '{}', { sign: false });
  assert.equal(status, 400);
  assert.equal(code(body), 'MissingAuthenticationTokenException');
});

test('a wrong secret is an InvalidSignatureException', async () => {
  const { status, body } = await call('ListClusters', '{}', { secret: 'not-the-secret' });
  assert.equal(status, 400);
  assert.equal(code(body), 'InvalidSignatureException');
});

test('a timestamp 10 minutes off is refused', async () => {
  const { status, body } = await call('ListClusters', '{}', { date: new Date(Date.now() - 10 * 60_000) });
  assert.equal(status, 400);
  assert.equal(code(body), 'InvalidSignatureException');
  assert.match(body.message, /expired/i);
});

test('an unknown access key through the SDK', async () => {
  const ecs = new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } });
  await assert.rejects(ecs.send(new ListClustersCommand({})), (err: Error & { $metadata: { httpStatusCode: number } }) => {
    assert.equal(err.name, 'UnrecognizedClientException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
});

test('an oversize body is refused with 413 before it is read', async () => {
  // Announce 12 MiB and send none of it: the gateway answers from the head, as a front end does.
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(wharf.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition',
        'content-length': String(12 * 1024 * 1024),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.flushHeaders();
  });
  assert.equal(status, 413);
});

test('unknown cluster and bad input leave the state as it was', async () => {
  const ecs = wharf.ecs();
  const before = await ecs.send(new ListClustersCommand({}));
  await assert.rejects(ecs.send(new ListTasksCommand({ cluster: 'no-such-cluster' })), { name: 'ClusterNotFoundException' });
  await assert.rejects(ecs.send(new RunTaskCommand({ taskDefinition: 'no-such-family' })), (err: Error) => ['ClientException', 'InvalidParameterException'].includes(err.name));
  await call('RegisterTaskDefinition', '{"family": "x", "containerDefinitions": "nope"}');
  const afterwards = await ecs.send(new ListClustersCommand({}));
  assert.deepEqual(afterwards.clusterArns, before.clusterArns);
  const health = await fetch(`${wharf.endpoint}/_wharf/health`);
  assert.equal(health.status, 200);
});
