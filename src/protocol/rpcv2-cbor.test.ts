// The smithy-rpc-v2-cbor codec: routing by path and header, every scalar kind through a model both ways,
// serialization errors, and real clients: @aws-sdk/client-cloudwatch (with the SDK's own rpc-v2-cbor
// protocol, and its default awsJson), botocore (which speaks CBOR to CloudWatch) and a hand-signed query
// request, against a gateway serving CloudWatch's model (three protocols) with fake handlers.
import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { AwsSmithyRpcV2CborProtocol } from '@aws-sdk/core/protocols';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { AwsError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { createGateway, type Gateway } from './gateway.js';
import { loadModel } from './model.js';
import { parseCbor, rpcV2CborProtocol, serializeCbor } from './rpcv2-cbor.js';
import type { ServiceBinding, ServiceModel } from './service.js';
import type { RequestHead } from './wire.js';
import { testSigner } from './test-signer.js';

/** The package's root, from src/ (tsx) or dist/src/ (the compiled suite) alike. */
function packageRoot(): string {
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json'))) root = dirname(root);
  return root;
}

const model: ServiceModel = {
  metadata: { protocol: 'smithy-rpc-v2-cbor', targetPrefix: 'Kinds_2024', endpointPrefix: 'kinds', apiVersion: '2024-01-01', serviceId: 'Kinds' },
  operations: {
    Echo: { name: 'Echo', http: { method: 'POST', requestUri: '/' }, input: { shape: 'Everything' }, output: { shape: 'Everything' } },
    Ping: { name: 'Ping', http: { method: 'POST', requestUri: '/' } },
  },
  shapes: {
    Everything: {
      type: 'structure',
      members: {
        s: { shape: 'S' }, b: { shape: 'B' }, i: { shape: 'I' }, l: { shape: 'L' }, d: { shape: 'D' }, f: { shape: 'F' },
        t: { shape: 'T' }, blob: { shape: 'Blob' }, list: { shape: 'List' }, map: { shape: 'Map' }, nested: { shape: 'Everything' },
      },
    },
    S: { type: 'string' }, B: { type: 'boolean' }, I: { type: 'integer' }, L: { type: 'long' }, D: { type: 'double' }, F: { type: 'float' },
    T: { type: 'timestamp' }, Blob: { type: 'blob' },
    List: { type: 'list', member: { shape: 'D' } },
    Map: { type: 'map', key: { shape: 'S' }, value: { shape: 'T' } },
    Broken: { type: 'structure', exception: true, error: { code: 'Broken', httpStatusCode: 409 }, members: { message: { shape: 'S' }, reason: { shape: 'S' } } },
  },
};

const protocol = rpcV2CborProtocol([{ model, handlers: { Echo: (input) => input } }]);
const head = (operation: string, headers: Record<string, string> = { 'smithy-protocol': 'rpc-v2-cbor' }): RequestHead => ({
  method: 'POST', path: `/service/Kinds_2024/operation/${operation}`, query: '', headers,
});

describe('rpc-v2-cbor codec', () => {
  test('routes by path and smithy-protocol header only', () => {
    assert.equal(protocol.route(head('Echo', {})), undefined);
    assert.equal(protocol.route({ ...head('Echo'), path: '/' }), undefined);
    const call = protocol.route(head('Echo'))!.decode(head('Echo'), serializeCbor({}));
    assert.equal(call.operation.name, 'Echo');
    assert.throws(() => protocol.route(head('Nope'))!.decode(head('Nope'), serializeCbor({})), (e: AwsError) => e.code === 'UnknownOperationException');
    assert.throws(() => protocol.route({ ...head('Echo'), path: '/service/Other/operation/Echo' })!.decode(head('Echo'), serializeCbor({})), (e: AwsError) => e.code === 'UnknownOperationException');
  });

  test('every scalar kind, lists, maps and nested structures round-trip', () => {
    const value = {
      s: 'héllo', b: true, i: -7, l: 2 ** 40, d: 1.25, f: 3, t: new Date(1_700_000_000_500), blob: Buffer.from([0, 1, 255]),
      list: [1, 2.5, -0.5], map: { a: new Date(0) }, nested: { s: 'in', nested: { b: false } },
    };
    const call = protocol.route(head('Echo'))!.decode(head('Echo'), serializeCbor(value));
    const input = call.operation.readInput(call.raw);
    assert.deepEqual(input, value);
    const response = call.operation.encodeOutput(input, 'req-1');
    assert.equal(response.headers['content-type'], 'application/cbor');
    assert.equal(response.headers['smithy-protocol'], 'rpc-v2-cbor');
    const decoded = parseCbor(response.body as Buffer) as Record<string, unknown>;
    assert.deepEqual(decoded, value);
    // Timestamps go out as tag 1 (0xc1), blobs as byte strings (major type 2).
    const bytes = serializeCbor({ t: new Date(1000), blob: Buffer.from('x') });
    assert.ok(bytes.includes(Buffer.from([0xc1])));
    assert.ok(bytes.includes(Buffer.from([0x41, 0x78])));
  });

  test('an operation without input takes an empty body; one without output answers an empty map', () => {
    const call = protocol.route(head('Ping'))!.decode(head('Ping'), Buffer.alloc(0));
    assert.deepEqual(call.operation.readInput(call.raw), {});
    assert.deepEqual(parseCbor(call.operation.encodeOutput(undefined, 'r').body as Buffer), {});
  });

  test('malformed, mistyped, too deep and non-map bodies are SerializationExceptions', () => {
    const route = protocol.route(head('Echo'))!;
    const serialization = (e: AwsError) => e.code === 'SerializationException';
    assert.throws(() => route.decode(head('Echo'), Buffer.from([0xbf, 0x61])), serialization);
    assert.throws(() => route.decode(head('Echo'), serializeCbor([1, 2])), serialization);
    let deep: unknown = {};
    for (let i = 0; i < 150; i++) deep = { nested: deep };
    assert.throws(() => route.decode(head('Echo'), serializeCbor(deep)), serialization);
    for (const wrong of [{ s: 1 }, { b: 'yes' }, { i: 'one' }, { t: 'yesterday' }, { blob: 'text' }, { list: { a: 1 } }, { nested: [1] }]) {
      const call = route.decode(head('Echo'), serializeCbor(wrong));
      assert.throws(() => call.operation.readInput(call.raw), serialization, JSON.stringify(wrong));
    }
  });

  test('errors carry __type, message and their members, with their status', () => {
    const route = protocol.route(head('Echo'))!;
    const error = Object.assign(new AwsError('Broken', 'it broke', 409), { reason: 'because' });
    const response = route.encodeError(error, 'req-2');
    assert.equal(response.status, 409);
    assert.equal(response.headers['smithy-protocol'], 'rpc-v2-cbor');
    assert.deepEqual(parseCbor(response.body as Buffer), { __type: 'Broken', message: 'it broke', reason: 'because' });
    assert.equal(response.headers['x-amzn-query-error'], undefined);
  });
});

// CloudWatch itself: three protocols, awsQueryCompatible errors.
const ROOT = { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' };
const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
const received: unknown[] = [];
const cloudwatch: ServiceBinding = {
  model: loadModel('cloudwatch'),
  handlers: {
    PutMetricData: (input: { Namespace: string }) => {
      received.push(input);
      if (input.Namespace === 'AWS/Nope') throw new AwsError('InvalidParameterValueException', 'The value AWS/Nope for parameter Namespace is invalid.');
      return {};
    },
    GetMetricStatistics: () => ({ Label: 'CPU', Datapoints: [{ Timestamp: new Date(1_700_000_040_000), Average: 12.5, Unit: 'Percent', ExtendedStatistics: { p99: 40 } }] }),
  },
};

describe('CloudWatch over rpc-v2-cbor, awsJson and query', () => {
  let gateway: Gateway;
  let endpoint: string;
  before(async () => {
    gateway = createGateway({
      services: [cloudwatch],
      credentials: { resolve: (id) => (id === ROOT.accessKeyId ? { secretAccessKey: ROOT.secretAccessKey, caller: { accessKeyId: id, accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root' } } : undefined) },
      auth: 'sigv4',
      accountId: '123456789012',
      region: 'us-east-1',
      log,
    });
    endpoint = `http://127.0.0.1:${(await gateway.listen(0, '127.0.0.1')).port}`;
  });
  after(() => gateway.close());

  const client = (cbor: boolean) =>
    new CloudWatchClient({ endpoint, region: 'us-east-1', credentials: ROOT, maxAttempts: 1, ...(cbor && { protocol: AwsSmithyRpcV2CborProtocol }) });

  for (const cbor of [true, false]) {
    test(`@aws-sdk/client-cloudwatch over ${cbor ? 'rpc-v2-cbor' : 'awsJson'}: input, output and query-compatible errors`, async () => {
      received.length = 0;
      const cw = client(cbor);
      await cw.send(new PutMetricDataCommand({ Namespace: 'App', MetricData: [{ MetricName: 'Latency', Timestamp: new Date(1_700_000_000_000), Values: [1, 2], Counts: [3, 1], Unit: 'Milliseconds' }] }));
      assert.deepEqual(received, [{ Namespace: 'App', MetricData: [{ MetricName: 'Latency', Timestamp: new Date(1_700_000_000_000), Values: [1, 2], Counts: [3, 1], Unit: 'Milliseconds' }] }]);
      const stats = await cw.send(new GetMetricStatisticsCommand({ Namespace: 'App', MetricName: 'Latency', StartTime: new Date(0), EndTime: new Date(), Period: 60, Statistics: ['Average'] }));
      assert.deepEqual(stats.Datapoints, [{ Timestamp: new Date(1_700_000_040_000), Average: 12.5, Unit: 'Percent', ExtendedStatistics: { p99: 40 } }]);
      const error = await cw.send(new PutMetricDataCommand({ Namespace: 'AWS/Nope', MetricData: [{ MetricName: 'x', Value: 1 }] })).catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
      // The SDK names the error by its shape and keeps the query code (from x-amzn-query-error) in Code.
      assert.equal((error as Error).name, 'InvalidParameterValueException');
      assert.equal((error as Error & { Code?: string }).Code, 'InvalidParameterValue');
      assert.equal((error as Error).message, 'The value AWS/Nope for parameter Namespace is invalid.');
      // Constraint violations: query's ValidationError.
      const invalid = await cw.send(new PutMetricDataCommand({ Namespace: '', MetricData: [] })).catch((e: Error) => e);
      assert.equal((invalid as Error & { Code?: string }).Code, 'ValidationError');
      cw.destroy();
    });
  }

  // botocore 1.43 picks awsJson for CloudWatch; a copy of the model that lists rpc-v2-cbor alone makes it speak CBOR.
  const BOTO = `
import boto3, datetime, json, sys
cw = boto3.client('cloudwatch', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='${ROOT.accessKeyId}', aws_secret_access_key='${ROOT.secretAccessKey}')
sent = []
cw.meta.events.register('before-send', lambda request, **kw: sent.append(request.headers.get('Content-Type', b'').decode()))
cw.put_metric_data(Namespace='App', MetricData=[{'MetricName': 'Latency', 'Value': 4.5, 'Timestamp': datetime.datetime(2023, 11, 14, tzinfo=datetime.timezone.utc)}])
out = cw.get_metric_statistics(Namespace='App', MetricName='Latency', StartTime=datetime.datetime(2020, 1, 1), EndTime=datetime.datetime(2030, 1, 1), Period=60, Statistics=['Average'])
try:
    cw.put_metric_data(Namespace='AWS/Nope', MetricData=[{'MetricName': 'x', 'Value': 1}])
    code = None
except cw.exceptions.ClientError as e:
    code = e.response['Error']['Code']
print(json.dumps({'average': out['Datapoints'][0]['Average'], 'at': out['Datapoints'][0]['Timestamp'].timestamp(), 'code': code, 'sent': sent[0]}))
`;
  for (const cbor of [false, true]) {
    test(`boto3 over ${cbor ? 'rpc-v2-cbor' : 'awsJson'}: input, output and query-compatible errors`, async () => {
      const dataPath = mkdtempSync(join(tmpdir(), 'wharf-botocore-'));
      try {
        if (cbor) {
          const botocoreModel = JSON.parse(readFileSync(join(packageRoot(), 'models', 'cloudwatch.json'), 'utf8'));
          botocoreModel.metadata.protocols = ['smithy-rpc-v2-cbor'];
          mkdirSync(join(dataPath, 'cloudwatch', '2010-08-01'), { recursive: true });
          writeFileSync(join(dataPath, 'cloudwatch', '2010-08-01', 'service-2.json'), JSON.stringify(botocoreModel));
        }
        received.length = 0;
        // Asynchronously: the gateway answers from this process.
        const { stdout } = await promisify(execFile)('python3', ['-c', BOTO, endpoint], { env: { ...process.env, AWS_DATA_PATH: dataPath } });
        assert.deepEqual(JSON.parse(stdout), { average: 12.5, at: 1_700_000_040, code: 'InvalidParameterValue', sent: cbor ? 'application/cbor' : 'application/x-amz-json-1.0' });
        assert.deepEqual((received[0] as { MetricData: unknown[] }).MetricData, [{ MetricName: 'Latency', Value: 4.5, Timestamp: new Date(Date.UTC(2023, 10, 14)) }]);
      } finally {
        rmSync(dataPath, { recursive: true, force: true });
      }
    });
  }

  test('a query request (Action=, form body) is served too, with query error codes', async () => {
    const send = async (form: string) => {
      const signed = await testSigner(ROOT, 'monitoring').sign({
        method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: Number(new URL(endpoint).port), path: '/',
        headers: { host: new URL(endpoint).host, 'content-type': 'application/x-www-form-urlencoded' }, body: form,
      });
      return fetch(endpoint, { method: 'POST', headers: signed.headers, body: form });
    };
    const ok = await send('Action=GetMetricStatistics&Version=2010-08-01&Namespace=App&MetricName=Latency&StartTime=2020-01-01T00:00:00Z&EndTime=2030-01-01T00:00:00Z&Period=60&Statistics.member.1=Average');
    const xml = await ok.text();
    assert.equal(ok.status, 200, xml);
    assert.match(xml, /<GetMetricStatisticsResponse[^>]*>\s*<GetMetricStatisticsResult>/);
    assert.match(xml, /<Average>12.5<\/Average>/);
    const refused = await send('Action=PutMetricData&Version=2010-08-01&Namespace=AWS%2FNope&MetricData.member.1.MetricName=x&MetricData.member.1.Value=1');
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /<Code>InvalidParameterValue<\/Code>/);
  });
});
