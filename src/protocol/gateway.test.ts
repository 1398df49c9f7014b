// The gateway end to end: a real @aws-sdk/client-ecs (and hand-signed raw requests where the SDK would not
// send what we need) against a gateway serving the real ECS model with a few fake handlers.
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListTasksCommand,
  ListServicesCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { AuthorizationCall } from '../core/authorization.js';
import { AccessDeniedException, AwsError } from '../core/errors.js';
import { ClusterNotFoundException } from '../core/ecs-errors.js';
import type { Logger } from '../core/ports.js';
import { createGateway, type GatewayOptions } from './gateway.js';
import { loadModel } from './model.js';
import type { CallContext, ServiceBinding } from './service.js';
import { testSigner } from './test-signer.js';

const ROOT = { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' };
const ACCOUNT = '123456789012';
const TARGET = 'AmazonEC2ContainerServiceV20141113';


class ConflictException extends AwsError {
  constructor(readonly resourceIds: string[]) {
    super('ConflictException', 'The cluster is being changed');
  }
}

const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
const log: Logger = {
  debug: (msg, fields) => logged.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => logged.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => logged.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => logged.push({ level: 'error', msg, fields }),
  child: () => log,
};

const calls: { input: any; call: CallContext }[] = [];
const clusterArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/default`;
const ecsBinding: ServiceBinding = {
  model: loadModel('ecs'),
  handlers: {
    ListClusters: (input, call) => {
      calls.push({ input, call });
      return { clusterArns: [clusterArn], internalCursor: 42 };
    },
    DescribeClusters: ({ clusters }: { clusters?: string[] }) => {
      if (clusters?.includes('missing')) throw new ClusterNotFoundException('Cluster not found.');
      return { clusters: [{ clusterArn, clusterName: 'default', status: 'ACTIVE', tags: [], storeRevision: 7 }], failures: [] };
    },
    DescribeTasks: async () => ({
      tasks: [{ taskArn: 't', createdAt: new Date(1714564800500), startedAt: '2024-05-01T12:00:01.000Z', containers: [], agentSecret: 'x' }],
      failures: [],
    }),
    DeleteCluster: () => {
      throw new ConflictException(['r-1', 'r-2']);
    },
    ListTasks: () => {
      throw new TypeError('a bug in the handler');
    },
    DescribeServices: () => ({ services: [], failures: [] }),
    CreateCluster: (input: { clusterName?: string }) => ({ cluster: { clusterName: input.clusterName } }),
    TagResource: () => ({}),
  },
};

const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const wss = new WebSocketServer({ noServer: true });

async function start(overrides: Partial<GatewayOptions> = {}) {
  const gateway = createGateway({
    services: [ecsBinding],
    credentials: {
      resolve: (id) =>
        id === ROOT.accessKeyId
          ? { secretAccessKey: ROOT.secretAccessKey, caller: { accessKeyId: id, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` } }
          : undefined,
    },
    auth: 'sigv4',
    accountId: '000000000000',
    region: 'us-east-1',
    log,
    clock,
    maxBodyBytes: 4096,
    internal: (req, res, authenticate) => {
      if (req.url === '/_wharf/health') {
        res.end('ok');
        return true;
      }
      if (req.url === '/_wharf/whoami') {
        res.end(JSON.stringify(authenticate().caller));
        return true;
      }
      return false;
    },
    upgrade: (req, socket, head, call) => {
      if (!req.url?.startsWith('/_wharf/agent')) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => ws.send(JSON.stringify(call)));
    },
    ...overrides,
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  return { gateway, endpoint: `http://127.0.0.1:${port}` };
}

let server: Awaited<ReturnType<typeof start>>;
before(async () => {
  server = await start();
});
after(async () => {
  await server.gateway.close();
});

const ecs = (credentials = ROOT, endpoint = server.endpoint) => new ECSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

/** The error an SDK call fails with. */
async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; [key: string]: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('the call succeeded');
}

/** A raw awsJson call, signed like the SDK signs (unless told not to). */
async function raw(operation: string, body: string, options: { sign?: boolean; service?: string; target?: string; endpoint?: string } = {}) {
  const url = new URL(options.endpoint ?? server.endpoint);
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': options.target ?? `${TARGET}.${operation}`,
  };
  const request = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers, body };
  const signed = options.sign === false ? request : await testSigner(ROOT, options.service).sign(request);
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('calls that succeed', () => {
  test('the handler gets the validated input and who called, from where', async () => {
    calls.length = 0;
    const { clusterArns } = await ecs().send(new ListClustersCommand({ maxResults: 10 }));
    assert.deepEqual(clusterArns, [clusterArn]);
    assert.deepEqual(calls[0]!.input, { maxResults: 10 });
    assert.equal(calls[0]!.call.caller.arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(calls[0]!.call.region, 'us-east-1');
    assert.match(calls[0]!.call.requestId, /^[0-9a-f-]{36}$/);
  });

  test('the wire carries only modelled members, a request id, the protocol content type', async () => {
    const { status, headers, body } = await raw('DescribeClusters', '{"clusters":["default"]}');
    assert.equal(status, 200);
    assert.equal(headers.get('content-type'), 'application/x-amz-json-1.1');
    assert.match(headers.get('x-amzn-requestid')!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(body, { clusters: [{ clusterArn, clusterName: 'default', status: 'ACTIVE', tags: [] }], failures: [] });
  });

  test('timestamps reach the SDK as Dates', async () => {
    const { tasks } = await ecs().send(new DescribeTasksCommand({ tasks: ['t'] }));
    assert.deepEqual(tasks![0]!.createdAt, new Date(1714564800500));
    assert.deepEqual(tasks![0]!.startedAt, new Date('2024-05-01T12:00:01.000Z'));
  });

  test('connections are kept alive', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = httpRequest(`${server.endpoint}/_wharf/health`, { agent }, (res) => {
          res.resume().on('end', () => resolve(req.reusedSocket));
        });
        req.on('error', reject).end();
      });
    assert.equal(await get(), false);
    assert.equal(await get(), true);
    agent.destroy();
  });
});

describe('errors as AWS answers them', () => {
  test("a handler's AwsError surfaces in the SDK with its name and status", async () => {
    const error = await failure(ecs().send(new DescribeClustersCommand({ clusters: ['missing'] })));
    assert.equal(error.name, 'ClusterNotFoundException');
    assert.equal(error.message, 'Cluster not found.');
    assert.equal(error.$metadata.httpStatusCode, 400);
  });

  test("an error's modelled members beyond the message travel too", async () => {
    const error = await failure(ecs().send(new DeleteClusterCommand({ cluster: 'default' })));
    assert.equal(error.name, 'ConflictException');
    assert.deepEqual(error.resourceIds, ['r-1', 'r-2']);
    const { body, headers } = await raw('DeleteCluster', '{"cluster":"default"}');
    assert.deepEqual(body, { __type: 'ConflictException', message: 'The cluster is being changed', resourceIds: ['r-1', 'r-2'] });
    assert.equal(headers.get('x-amzn-errortype'), 'ConflictException');
  });

  test("a handler's bug is ECS's ServerException (500), logged with its stack; the server goes on", async () => {
    logged.length = 0;
    const error = await failure(ecs().send(new ListTasksCommand({})));
    assert.equal(error.name, 'ServerException');
    assert.equal(error.$metadata.httpStatusCode, 500);
    const entry = logged.find((e) => e.level === 'error');
    assert.match(String(entry?.fields?.error), /TypeError: a bug in the handler\n\s+at /);
    assert.equal(entry?.fields?.operation, 'ListTasks');
    await ecs().send(new ListClustersCommand({}));
  });

  test('an operation of the model without a handler', async () => {
    const error = await failure(ecs().send(new ListServicesCommand({})));
    assert.equal(error.name, 'UnknownOperationException');
    assert.match(error.message, /does not implement ListServices/);
  });

  test('validation: ECS answers InvalidParameterException (400)', async () => {
    const missing = await failure(ecs().send(new DescribeServicesCommand({} as never)));
    assert.equal(missing.name, 'InvalidParameterException');
    assert.equal(missing.$metadata.httpStatusCode, 400);
    assert.match(missing.message, /Value null at 'services' failed to satisfy constraint: Member must not be null/);

    const badEnum = await failure(ecs().send(new DescribeClustersCommand({ include: ['EVERYTHING' as never] })));
    assert.equal(badEnum.name, 'InvalidParameterException');
    assert.match(badEnum.message, /Value 'EVERYTHING' at 'include\.1\.member' failed to satisfy constraint: Member must satisfy enum value set: \[ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS, TAGS\]/);

    const outOfRange = await failure(
      ecs().send(new CreateClusterCommand({ clusterName: 'c', defaultCapacityProviderStrategy: [{ capacityProvider: 'p', weight: 5000 }] })),
    );
    assert.equal(outOfRange.name, 'InvalidParameterException');
    assert.match(outOfRange.message, /Member must have value less than or equal to 1000/);

    const tooLong = await failure(ecs().send(new TagResourceCommand({ resourceArn: clusterArn, tags: [{ key: 'k'.repeat(200), value: 'v' }] })));
    assert.equal(tooLong.name, 'InvalidParameterException');
  });

  test('a wrong JSON type is a SerializationException', async () => {
    const { status, body } = await raw('ListClusters', '{"maxResults": "ten"}');
    assert.equal(status, 400);
    assert.equal(body.__type, 'SerializationException');
  });

  test('malformed JSON is a SerializationException, once the signature is checked: the body is not parsed before', async () => {
    const { status, body } = await raw('ListClusters', '{"maxResults": ');
    assert.equal(status, 400);
    assert.equal(body.__type, 'SerializationException');
    const unsigned = await raw('ListClusters', '{"maxResults": ', { sign: false });
    assert.equal(unsigned.body.__type, 'MissingAuthenticationTokenException');
  });

  test('JSON nested deeper than any model, or with too many values, is refused before it is parsed', async () => {
    const big = await start({ maxBodyBytes: 1024 * 1024 });
    try {
      const nested = await raw('ListClusters', '['.repeat(200_000) + ']'.repeat(200_000), { endpoint: big.endpoint });
      assert.equal(nested.body.__type, 'SerializationException');
      assert.match(nested.body.message, /nested deeper than 100 levels/);
      const wide = await raw('ListClusters', `[${'0,'.repeat(150_000)}0]`, { endpoint: big.endpoint });
      assert.match(wide.body.message, /more than 100000 values/);
      // Brackets and commas inside strings are text.
      const quoted = await raw('ListClusters', JSON.stringify({ nextToken: '[{,'.repeat(1000) + '\\"[' }), { endpoint: big.endpoint });
      assert.equal(quoted.status, 200, JSON.stringify(quoted.body));
    } finally {
      await big.gateway.close();
    }
  });

  test('an unknown operation or target prefix is an UnknownOperationException', async () => {
    for (const target of [`${TARGET}.LaunchRockets`, 'DynamoDB_20120810.ListTables']) {
      const { status, body, headers } = await raw('', '{}', { target });
      assert.equal(status, 400);
      assert.equal(body.__type, 'UnknownOperationException');
      assert.equal(headers.get('x-amzn-errortype'), 'UnknownOperationException');
    }
  });

  test('a request no AWS API answers is a 404', async () => {
    const response = await fetch(`${server.endpoint}/nothing-here`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).__type, 'UnknownOperationException');
  });
});

/** The headers of a ListClusters call signed with its payload hash claimed (as the JS SDK does), for a body sent apart. */
async function signedHead(credentials = ROOT, payloadHash = 'a'.repeat(64)) {
  const url = new URL(server.endpoint);
  const headers = { host: url.host, 'x-amz-target': `${TARGET}.ListClusters`, 'x-amz-content-sha256': payloadHash };
  const signed = await testSigner(credentials).sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', headers });
  const { host: _, ...rest } = signed.headers;
  return rest;
}

describe('bodies over the limit', () => {
  /** Starts an oversize request and returns the response that comes while it is still being sent. */
  const oversize = (headers: Record<string, string>) =>
    new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      let answered = false;
      const req = httpRequest(`${server.endpoint}/`, { method: 'POST', headers: { 'x-amz-target': `${TARGET}.ListClusters`, ...headers } }, (res) => {
        answered = true;
        let body = '';
        res.on('data', (chunk) => (body += chunk)).on('end', () => {
          resolve({ status: res.statusCode!, body, connection: res.headers.connection });
          req.destroy();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      const chunk = Buffer.alloc(1024, 'x');
      // Writes until the answer comes: the server must answer without waiting for the rest.
      const pump = () => {
        while (!answered && !req.destroyed && req.write(chunk));
        if (!answered && !req.destroyed) req.once('drain', pump);
      };
      pump();
    });

  test('a declared Content-Length over the limit: 413 before reading any of it', async () => {
    const { status, body, connection } = await oversize({ 'content-length': String(50 * 1024 * 1024) });
    assert.equal(status, 413);
    assert.equal(JSON.parse(body).__type, 'RequestEntityTooLargeException');
    assert.equal(connection, 'close');
  });

  test('a chunked body that grows over the limit: 413 as soon as it does', async () => {
    const { status, body } = await oversize({ 'transfer-encoding': 'chunked', ...(await signedHead()) });
    assert.equal(status, 413);
    assert.equal(JSON.parse(body).__type, 'RequestEntityTooLargeException');
  });

  test('an unsigned body, or one whose signature fails on its head, is refused without reading it', async () => {
    const unsigned = await oversize({ 'transfer-encoding': 'chunked' });
    assert.equal(JSON.parse(unsigned.body).__type, 'MissingAuthenticationTokenException');
    assert.equal(unsigned.connection, 'close');
    const forged = await oversize({ 'transfer-encoding': 'chunked', ...(await signedHead({ ...ROOT, secretAccessKey: 'wrong' })) });
    assert.equal(JSON.parse(forged.body).__type, 'InvalidSignatureException');
  });

  test('a body that does not hash to the signed x-amz-content-sha256 is refused', async () => {
    const response = await fetch(server.endpoint, { method: 'POST', headers: await signedHead(), body: '{}' });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      __type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });
});

describe('authentication', () => {
  test('no signature at all', async () => {
    const { status, body } = await raw('ListClusters', '{}', { sign: false });
    assert.equal(status, 400);
    assert.deepEqual(body, { __type: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' });
  });

  test('a wrong secret: InvalidSignatureException', async () => {
    const error = await failure(ecs({ ...ROOT, secretAccessKey: 'wrong' }).send(new ListClustersCommand({})));
    assert.equal(error.name, 'InvalidSignatureException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.match(error.message, /^The request signature we calculated does not match the signature you provided/);
  });

  test('an unknown access key: UnrecognizedClientException', async () => {
    const error = await failure(ecs({ accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' }).send(new ListClustersCommand({})));
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.message, 'The security token included in the request is invalid.');
  });

  test('signed for another service', async () => {
    const { status, body } = await raw('ListClusters', '{}', { service: 'ec2' });
    assert.equal(status, 400);
    assert.equal(body.__type, 'InvalidSignatureException');
    assert.match(body.message, /Credential should be scoped to correct service: 'ecs'/);
  });

  test('clocks more than 5 minutes apart, either way', async () => {
    try {
      clock.offsetMs = 10 * 60_000;
      const late = await failure(ecs().send(new ListClustersCommand({})));
      assert.equal(late.name, 'InvalidSignatureException');
      assert.match(late.message, /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
      clock.offsetMs = -10 * 60_000;
      const early = await failure(ecs().send(new ListClustersCommand({})));
      assert.equal(early.name, 'InvalidSignatureException');
      assert.match(early.message, /^Signature not yet current/);
    } finally {
      clock.offsetMs = 0;
    }
  });

  test('permissive mode takes any well-formed signature: the root of the account', async () => {
    const permissive = await start({ auth: 'permissive' });
    try {
      calls.length = 0;
      await ecs({ accessKeyId: 'test', secretAccessKey: 'test' }, permissive.endpoint).send(new ListClustersCommand({}));
      assert.deepEqual(calls[0]!.call.caller, { accessKeyId: 'test', accountId: '000000000000', arn: 'arn:aws:iam::000000000000:root' });
      const { status } = await raw('ListClusters', '{}', { sign: false, endpoint: permissive.endpoint });
      assert.equal(status, 400);
    } finally {
      await permissive.gateway.close();
    }
  });
});

describe('hooks', () => {
  test('internal routes come first, and can authenticate', async () => {
    assert.equal(await (await fetch(`${server.endpoint}/_wharf/health`)).text(), 'ok');
    const unsigned = await fetch(`${server.endpoint}/_wharf/whoami`);
    assert.equal(unsigned.status, 400);
    assert.equal((await unsigned.json()).__type, 'MissingAuthenticationTokenException');
    const url = new URL(`${server.endpoint}/_wharf/whoami`);
    const signed = await testSigner(ROOT).sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host },
    });
    const whoami = await fetch(url, { headers: signed.headers });
    assert.equal((await whoami.json()).arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal((await fetch(`${server.endpoint}/_wharf/unknown`)).status, 404);
  });

  /** Opens a WebSocket and returns the first message, or the HTTP status that refused it. */
  const connect = (url: string, headers: Record<string, string> = {}) =>
    new Promise<{ message?: CallContext; status?: number }>((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('message', (data) => {
        resolve({ message: JSON.parse(String(data)) });
        ws.close();
      });
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.once('error', reject);
    });

  const agentRequest = () => {
    const url = new URL(`${server.endpoint}/_wharf/agent`);
    return {
      url,
      request: {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: { cluster: 'default' },
        headers: { host: url.host },
      },
      signer: testSigner(ROOT, 'ecs', 'eu-west-1'),
    };
  };

  test('a WebSocket upgrade signed in the Authorization header', async () => {
    const { url, request, signer } = agentRequest();
    const signed = await signer.sign(request);
    const { message } = await connect(`ws://${url.host}${url.pathname}?cluster=default`, signed.headers);
    assert.equal(message?.caller.arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(message?.region, 'eu-west-1');
  });

  test('a WebSocket upgrade presigned in the URL', async () => {
    const { url, request, signer } = agentRequest();
    const presigned = await signer.presign(request, { expiresIn: 60 });
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString().replace(/\+/g, '%20');
    const { message } = await connect(`ws://${url.host}${url.pathname}?${query}`);
    assert.equal(message?.caller.accessKeyId, ROOT.accessKeyId);
  });

  test('an unsigned or tampered upgrade is refused', async () => {
    const { url, request, signer } = agentRequest();
    assert.equal((await connect(`ws://${url.host}${url.pathname}`)).status, 400);
    const signed = await signer.sign(request);
    assert.equal((await connect(`ws://${url.host}${url.pathname}?cluster=other`, signed.headers)).status, 400);
  });
});

describe('authorization', () => {
  test('the hook sees the read input and where the call came from, before the handler', async () => {
    const seen: AuthorizationCall[] = [];
    const gated = await start({ authorize: (request) => void seen.push(request) });
    try {
      calls.length = 0;
      await ecs(ROOT, gated.endpoint).send(new ListClustersCommand({ maxResults: 5 }));
      assert.equal(seen.length, 1);
      const [request] = seen;
      assert.equal(request!.service, 'ecs');
      assert.equal(request!.protocol, 'json');
      assert.equal(request!.operation, 'ListClusters');
      assert.deepEqual(request!.input, { maxResults: 5 });
      assert.equal(request!.call.caller.arn, `arn:aws:iam::${ACCOUNT}:root`);
      assert.equal(request!.call.sourceIp, '127.0.0.1');
      assert.equal(request!.call.secureTransport, false);
      // The handler gets the same context.
      assert.equal(calls[0]!.call.sourceIp, '127.0.0.1');
    } finally {
      await gated.gateway.close();
    }
  });

  test('a refusal, synchronous or not, is answered in the protocol and the handler never runs', async () => {
    for (const authorize of [
      () => {
        throw new AccessDeniedException('User: x is not authorized to perform: ecs:ListClusters');
      },
      async () => {
        throw new AccessDeniedException('User: x is not authorized to perform: ecs:ListClusters');
      },
    ]) {
      const gated = await start({ authorize });
      try {
        calls.length = 0;
        const error = await failure(ecs(ROOT, gated.endpoint).send(new ListClustersCommand({})));
        assert.equal(error.name, 'AccessDeniedException');
        assert.equal(error.message, 'User: x is not authorized to perform: ecs:ListClusters');
        assert.equal(error.$metadata.httpStatusCode, 400);
        assert.equal(calls.length, 0);
      } finally {
        await gated.gateway.close();
      }
    }
  });

  test('input the model refuses is answered before authorization', async () => {
    let asked = false;
    const gated = await start({ authorize: () => void (asked = true) });
    try {
      const error = await failure(ecs(ROOT, gated.endpoint).send(new ListClustersCommand({ maxResults: 'x' as never })));
      assert.notEqual(error.name, 'AccessDeniedException');
      assert.equal(asked, false);
    } finally {
      await gated.gateway.close();
    }
  });
});
