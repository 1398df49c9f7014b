// Issue 9's bounded work before authentication and SigV4 as AWS has it, through the real server: each example
// of the issue, sent as an attacker or a careless client would send it (raw HTTP where the SDK cannot), is
// answered with AWS's error, and the server keeps answering everyone else.
import {
  CreateClusterCommand,
  ECSClient,
  ListClustersCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { signedChannelRequest } from '../src/agent/channel.js';
import { testSigner } from '../src/protocol/test-signer.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
before(async () => {
  wharf = await startWharf();
});
after(async () => {
  await wharf?.stop();
});

const MiB = 1024 * 1024;
const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113';

interface Answer {
  status: number;
  body: string;
}

/**
 * A raw POST, signed as the SDK signs it unless `sign` is false; the body is streamed, and the answer taken
 * even if the server closes the connection before the body is all sent (as it does for what it refuses unread).
 */
async function post(headers: Record<string, string>, body: Buffer, options: { sign?: boolean; query?: string } = {}): Promise<Answer> {
  const url = new URL(wharf.endpoint);
  let sent = { host: url.host, ...headers };
  if (options.sign !== false) {
    const signer = testSigner(wharf.credentials, headers['x-amz-target'] ? 'ecs' : 'iam');
    const query = Object.fromEntries(new URLSearchParams(options.query ?? ''));
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query, headers: sent, body });
    sent = signed.headers as typeof sent;
  }
  return new Promise((resolve, reject) => {
    const req = request(`${wharf.endpoint}/${options.query ? `?${options.query}` : ''}`, { method: 'POST', headers: sent }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    // A refusal unread may reach the client as a reset before its answer can be read (the kernel drops what it
    // received once the server closes with the body unread): that is `status: 0`, never a hang.
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') return reject(error);
      setTimeout(() => answered || resolve({ status: 0, body: '' }), 2_000);
    });
    req.end(body);
  });
}

const ecsCall = (operation: string, body: Buffer, sign = true) =>
  post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS_TARGET}.${operation}` }, body, { sign });

const form = (body: string, sign = true) => post({ 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, Buffer.from(body), { sign });

/** A signed call still answers: the server was not stalled by what came before. */
async function stillServing(): Promise<void> {
  const { clusterArns } = await wharf.ecs().send(new ListClustersCommand({}));
  assert.ok(Array.isArray(clusterArns));
}

test('10 MiB of nested JSON arrays: refused unread when unsigned, before JSON.parse when signed', async () => {
  const nested = Buffer.from('['.repeat(5 * MiB) + ']'.repeat(5 * MiB));
  const unsigned = await ecsCall('ListClusters', nested, false);
  if (unsigned.status !== 0) {
    assert.equal(unsigned.status, 400);
    assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
  }
  const signed = await ecsCall('ListClusters', nested);
  assert.equal(signed.status, 400);
  assert.deepEqual(JSON.parse(signed.body), { __type: 'SerializationException', message: 'Request body is nested deeper than 100 levels' });
  await stillServing();
});

test('a form parameter name of 5 M dots: refused unread when unsigned, ignored (no model names it) when signed', async () => {
  const dots = `Action=ListUsers&Version=2010-05-08&${'.'.repeat(5_000_000)}=x`;
  const unsigned = await form(dots, false);
  if (unsigned.status !== 0) {
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
  }
  const signed = await form(dots);
  assert.equal(signed.status, 200, signed.body);
  assert.match(signed.body, /^<ListUsersResponse/);
  await stillServing();
});

test('`+` and %2B in a query string are two signatures: a signed %2B altered to + does not verify', async () => {
  const url = new URL(wharf.endpoint);
  const query = { Action: 'ListUsers', Version: '2010-05-08', PathPrefix: '/a+b/' };
  const signed = await testSigner(wharf.credentials, 'iam').sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query, headers: { host: url.host } });
  const encoded = new URLSearchParams(query).toString();
  assert.match(encoded, /PathPrefix=%2Fa%2Bb%2F/);
  const good = await fetch(`${wharf.endpoint}/?${encoded}`, { headers: signed.headers });
  assert.equal(good.status, 200, await good.clone().text());
  const altered = await fetch(`${wharf.endpoint}/?${encoded.replace('%2B', '+')}`, { headers: signed.headers });
  assert.equal(altered.status, 403);
  assert.match(await altered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
});

test('UNSIGNED-PAYLOAD is not a payload mode ECS or IAM take: the body is signed', async () => {
  const body = Buffer.from('{}');
  const unsignedPayload = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS_TARGET}.ListClusters`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body);
  assert.equal(unsignedPayload.status, 400);
  assert.equal(JSON.parse(unsignedPayload.body).__type, 'InvalidSignatureException');
  const iam = await post({ 'content-type': 'application/x-www-form-urlencoded', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, Buffer.from('Action=ListUsers&Version=2010-05-08'));
  assert.equal(iam.status, 403);
  assert.match(iam.body, /<Code>SignatureDoesNotMatch<\/Code>/);
  // The hash the SDK claims is checked against the body as it arrives.
  const claimed = createHash('sha256').update('{}').digest('hex');
  const swapped = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS_TARGET}.ListClusters`, 'x-amz-content-sha256': claimed }, body);
  assert.equal(swapped.status, 200, swapped.body);
});

test('the signing region is the served region; one AWS does not have is refused with its error', async () => {
  const ohio = new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-2', credentials: wharf.credentials });
  assert.ok((await ohio.send(new ListClustersCommand({}))).clusterArns);
  const nowhere = new ECSClient({ endpoint: wharf.endpoint, region: 'us-nowhere-1', credentials: wharf.credentials, maxAttempts: 1 });
  await assert.rejects(nowhere.send(new ListClustersCommand({})), {
    name: 'InvalidSignatureException',
    message: "Credential should be scoped to a valid region, not 'us-nowhere-1'.",
  });
});

test('the Signature must be exactly the 64 hex digits: trailing garbage is refused', async () => {
  const url = new URL(wharf.endpoint);
  const headers = { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${ECS_TARGET}.ListClusters` };
  const signed = await testSigner(wharf.credentials).sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body: '{}' });
  const garbage = { ...signed.headers, authorization: `${signed.headers.authorization}00` };
  const response = await fetch(wharf.endpoint, { method: 'POST', headers: garbage, body: '{}' });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { __type: string }).__type, 'InvalidSignatureException');
});

test('a task definition over 64 KiB is refused as AWS refuses it', async () => {
  const environment = Array.from({ length: 700 }, (_, i) => ({ name: `VARIABLE_${i}`, value: 'x'.repeat(64) }));
  await assert.rejects(
    wharf.ecs().send(new RegisterTaskDefinitionCommand({ family: 'big', containerDefinitions: [{ name: 'app', image: 'wharf-test/busybox:latest', memory: 64, environment }] })),
    { name: 'ClientException', message: /^Actual length: '\d+'\. Max allowed length is '65536' bytes\.$/ },
  );
});

test('an agent channel message over 1 MiB closes the channel (ws: 1009), not the server', async () => {
  const ecs = wharf.ecs();
  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: 'bounded' }));
  const { containerInstance } = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'bounded' }));
  const { url, headers } = await signedChannelRequest(wharf.endpoint, {
    clusterArn: cluster!.clusterArn!,
    containerInstanceArn: containerInstance!.containerInstanceArn!,
    region: 'us-east-1',
    credentials: wharf.credentials,
  });
  const code = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'health', padding: 'x'.repeat(2 * MiB) })));
    ws.on('close', (closeCode) => resolve(closeCode));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`the channel refused the upgrade: ${res.statusCode}`)));
    ws.on('error', () => undefined);
  });
  assert.equal(code, 1009);
  await stillServing();
});
