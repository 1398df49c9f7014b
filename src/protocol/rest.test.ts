// The REST protocols end to end: the real @aws-sdk/client-s3 (REST-XML; path-style and virtual-hosted, streamed
// bodies with CRC32 trailers, aws-chunked with chunk signatures), botocore through the aws CLI, and
// @aws-sdk/client-efs (REST-JSON), against one gateway serving AWS's S3 and EFS models with fake handlers that
// keep objects in memory. Plus the binding layer's URI templates and routing on their own.
import { CreateFileSystemCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { AwsError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { createGateway, type Gateway } from './gateway.js';
import { loadModel } from './model.js';
import { httpRequest, matchOperation, matchPath, parseUriTemplate, RestOperation } from './rest.js';
import { crc32c } from './body-hashes.js';
import type { PayloadStream } from './rest-payload.js';
import { virtualHostBucket } from './rest-protocol.js';
import { jsonCodec } from './rest-json.js';
import type { ServiceBinding } from './service.js';
import { chunkSignature } from './sigv4.js';
import { testSigner } from './test-signer.js';

const ROOT = { accessKeyId: 'AKIAROOTROOTROOTROOT', secretAccessKey: 'root-secret' };
const ACCOUNT = '123456789012';
const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, child: () => log };

const objects = new Map<string, { body: Buffer; metadata?: Record<string, string>; contentType?: string; etag: string }>();
const collect = async (body: PayloadStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const s3: ServiceBinding = {
  model: loadModel('s3'),
  xmlRoots: { ListObjectsV2: 'ListBucketResult', GetBucketLocation: 'LocationConstraint' },
  handlers: {
    PutObject: async (input) => {
      const body = await collect(input.Body);
      const etag = `"${input.Body.digests.md5}"`;
      objects.set(`${input.Bucket}/${input.Key}`, { body, metadata: input.Metadata, contentType: input.ContentType, etag });
      const checksum = input.Body.digests.checksum;
      return { ETag: etag, ...(checksum && { [`Checksum${checksum.algorithm.toUpperCase()}`]: checksum.value }) };
    },
    UploadPart: async (input) => ({ ETag: `"${(await collect(input.Body)).length}-${input.PartNumber}-${input.UploadId}"` }),
    GetObject: (input) => {
      const object = objects.get(`${input.Bucket}/${input.Key}`);
      if (!object) throw Object.assign(new AwsError('NoSuchKey', 'The specified key does not exist.', 404), { details: { Key: input.Key } });
      return { Body: Readable.from([object.body]), ContentLength: object.body.length, ETag: object.etag, Metadata: object.metadata, ContentType: object.contentType, LastModified: new Date(0) };
    },
    HeadObject: (input) => {
      const object = objects.get(`${input.Bucket}/${input.Key}`);
      if (!object) throw new AwsError('NotFound', 'Not Found', 404);
      return { ContentLength: object.body.length, ETag: object.etag, Metadata: object.metadata, LastModified: new Date(0) };
    },
    ListObjectsV2: (input) => ({
      Name: input.Bucket,
      Prefix: input.Prefix,
      KeyCount: 1,
      MaxKeys: input.MaxKeys ?? 1000,
      IsTruncated: false,
      Contents: [...objects.keys()]
        .filter((key) => key.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
        .map((key) => ({ Key: key.slice(input.Bucket.length + 1), Size: objects.get(key)!.body.length, LastModified: new Date(0), ETag: objects.get(key)!.etag })),
    }),
    DeleteObjects: (input) => ({ Deleted: input.Delete.Objects.map(({ Key }: { Key: string }) => (objects.delete(`${input.Bucket}/${Key}`), { Key })) }),
    GetBucketLocation: () => ({ LocationConstraint: 'eu-west-1' }),
  },
};

const efs: ServiceBinding = {
  model: loadModel('efs'),
  handlers: {
    CreateFileSystem: (input) => ({ FileSystemId: 'fs-1', CreationToken: input.CreationToken, CreationTime: new Date(1700000000000), LifeCycleState: 'available', Tags: input.Tags ?? [], OwnerId: ACCOUNT, NumberOfMountTargets: 0, SizeInBytes: { Value: 0 }, PerformanceMode: 'generalPurpose' }),
    DescribeFileSystems: (input) => {
      if (input.FileSystemId === 'fs-00000000deadbeef') throw new AwsError('FileSystemNotFound', 'File system fs-00000000deadbeef does not exist.', 404);
      return { FileSystems: [], Marker: input.Marker };
    },
  },
};

let gateway: Gateway;
let endpoint: string;
let port: number;

before(async () => {
  gateway = createGateway({
    services: [s3, efs],
    credentials: { resolve: (id) => (id === ROOT.accessKeyId ? { secretAccessKey: ROOT.secretAccessKey, caller: { accessKeyId: id, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` } } : undefined) },
    auth: 'sigv4',
    accountId: ACCOUNT,
    region: 'us-east-1',
    log,
  });
  port = (await gateway.listen(0, '127.0.0.1')).port;
  endpoint = `http://127.0.0.1:${port}`;
});
after(() => gateway.close());

const pathStyle = () => new S3Client({ endpoint, region: 'us-east-1', credentials: ROOT, forcePathStyle: true });
// Virtual-hosted: every *.localhost name resolves to the gateway.
const virtualHosted = () =>
  new S3Client({
    endpoint: `http://localhost:${port}`,
    region: 'us-east-1',
    credentials: ROOT,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: (_host, options, callback) => (options as { all?: boolean }).all ? (callback as any)(null, [{ address: '127.0.0.1', family: 4 }]) : (callback as any)(null, '127.0.0.1', 4) }) }),
  });

describe('URI templates and routing', () => {
  test('labels, greedy labels and literal query parameters', () => {
    const template = parseUriTemplate('/{Bucket}/{Key+}?uploads');
    assert.deepEqual(template.query, [['uploads', undefined]]);
    assert.deepEqual(matchPath(template, ['b', 'a%20b', 'c%2Fd', '']), { Bucket: 'b', Key: 'a b/c/d/' });
    assert.equal(matchPath(template, ['b']), undefined);
    assert.deepEqual(matchPath(parseUriTemplate('/{Bucket}'), ['b', '']), { Bucket: 'b' });
    assert.deepEqual(matchPath(parseUriTemplate('/2015-02-01/tags/{FileSystemId}/'), ['2015-02-01', 'tags', 'fs-1']), { FileSystemId: 'fs-1' });
  });

  test('the most specific operation wins: query literals, required members, literal segments', () => {
    const model = loadModel('s3');
    const operations = Object.values(model.operations).map((operation) => new RestOperation(model, operation, jsonCodec(model), ['ListBuckets', 'GetBucketLifecycleConfiguration'].includes(operation.name)));
    const pick = (method: string, path: string, query = '', headers = {}) => matchOperation(operations, httpRequest(method, path, query, headers))?.operation.name;
    assert.equal(pick('GET', '/b', 'list-type=2&prefix=a'), 'ListObjectsV2');
    assert.equal(pick('GET', '/b'), 'ListObjects');
    assert.equal(pick('GET', '/b/'), 'ListObjects');
    assert.equal(pick('GET', '/b', 'tagging'), 'GetBucketTagging');
    assert.equal(pick('GET', '/b', 'lifecycle'), 'GetBucketLifecycleConfiguration');
    assert.equal(pick('GET', '/'), 'ListBuckets');
    assert.equal(pick('PUT', '/b/k'), 'PutObject');
    assert.equal(pick('PUT', '/b/k', 'partNumber=1&uploadId=u'), 'UploadPart');
    assert.equal(pick('PUT', '/b/k', 'partNumber=1&uploadId=u', { 'x-amz-copy-source': 'a/b' }), 'UploadPartCopy');
    assert.equal(pick('PUT', '/b/k', '', { 'x-amz-copy-source': 'a/b' }), 'CopyObject');
    assert.equal(pick('DELETE', '/b/k', 'uploadId=u'), 'AbortMultipartUpload');
    assert.equal(pick('POST', '/b/k', 'uploads'), 'CreateMultipartUpload');
    assert.equal(pick('POST', '/b/k', 'uploadId=u'), 'CompleteMultipartUpload');
    assert.equal(pick('HEAD', '/b/k'), 'HeadObject');
    const efsModel = loadModel('efs');
    const efsOperations = Object.values(efsModel.operations).map((operation) => new RestOperation(efsModel, operation, jsonCodec(efsModel), false));
    assert.equal(matchOperation(efsOperations, httpRequest('GET', '/2015-02-01/file-systems/replication-configurations', '', {}))?.operation.name, 'DescribeReplicationConfigurations');
    assert.equal(matchOperation(efsOperations, httpRequest('GET', '/2015-02-01/file-systems/fs-1/policy', '', {}))?.operation.name, 'DescribeFileSystemPolicy');
  });

  test('virtual-hosted-style host names', () => {
    assert.equal(virtualHostBucket('photos.localhost:4566'), 'photos');
    assert.equal(virtualHostBucket('my.photos.s3.us-west-2.amazonaws.com'), 'my.photos');
    assert.equal(virtualHostBucket('photos.s3.amazonaws.com'), 'photos');
    assert.equal(virtualHostBucket('s3.us-west-2.amazonaws.com'), undefined);
    assert.equal(virtualHostBucket('localhost:4566'), undefined);
    assert.equal(virtualHostBucket('127.0.0.1:4566'), undefined);
  });

  test('CRC-32C as AWS computes it', () => {
    // RFC 3720's test vector: 32 bytes of zeros.
    assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  });
});

describe('REST-XML with @aws-sdk/client-s3', () => {
  for (const [style, client] of [['path-style', pathStyle], ['virtual-hosted', virtualHosted]] as const) {
    test(`${style}: put (streamed, CRC32 in a trailer), get, head, list, delete`, async () => {
      const s3Client = client();
      const body = Buffer.alloc(300_000, 'x');
      const put = await s3Client.send(new PutObjectCommand({ Bucket: 'bkt', Key: `${style}/a b+c.txt`, Body: Readable.from([body]), ContentLength: body.length, Metadata: { owner: 'me' }, ContentType: 'text/plain' }));
      assert.match(put.ETag!, /^"[0-9a-f]{32}"$/);
      assert.ok(put.ChecksumCRC32);
      const got = await s3Client.send(new GetObjectCommand({ Bucket: 'bkt', Key: `${style}/a b+c.txt` }));
      assert.equal(Buffer.from(await got.Body!.transformToByteArray()).equals(body), true);
      assert.deepEqual(got.Metadata, { owner: 'me' });
      assert.equal(got.ContentType, 'text/plain');
      const head = await s3Client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: `${style}/a b+c.txt` }));
      assert.equal(head.ContentLength, body.length);
      const list = await s3Client.send(new ListObjectsV2Command({ Bucket: 'bkt', Prefix: style }));
      assert.deepEqual(list.Contents?.map((object) => object.Key), [`${style}/a b+c.txt`]);
      const deleted = await s3Client.send(new DeleteObjectsCommand({ Bucket: 'bkt', Delete: { Objects: [{ Key: `${style}/a b+c.txt` }] } }));
      assert.deepEqual(deleted.Deleted?.map((object) => object.Key), [`${style}/a b+c.txt`]);
      await assert.rejects(s3Client.send(new HeadObjectCommand({ Bucket: 'bkt', Key: `${style}/a b+c.txt` })), { name: 'NotFound' });
      await assert.rejects(s3Client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'nope' })), { name: 'NoSuchKey' });
      s3Client.destroy();
    });
  }

  test('GetBucketLocation is the root element text; UploadPart routes by its query members', async () => {
    const client = pathStyle();
    assert.equal((await client.send(new GetBucketLocationCommand({ Bucket: 'bkt' }))).LocationConstraint, 'eu-west-1');
    const part = await client.send(new UploadPartCommand({ Bucket: 'bkt', Key: 'k', UploadId: 'u1', PartNumber: 3, Body: Buffer.from('abc') }));
    assert.equal(part.ETag, '"3-3-u1"');
    client.destroy();
  });

  test('a wrong checksum or Content-MD5 is refused', async () => {
    const client = pathStyle();
    await assert.rejects(client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'bad', Body: 'hello', ChecksumCRC32: 'AAAAAA==' })), { name: 'BadDigest' });
    await assert.rejects(client.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'bad', Body: 'hello', ContentMD5: Buffer.alloc(16).toString('base64') })), { name: 'BadDigest' });
    assert.equal(objects.has('bkt/bad'), false);
    client.destroy();
  });

  test('a large body is hashed on the hash worker: the same ETag, SHA-256 and checksums; a wrong one refused', async () => {
    // Over 1 MiB, so that its batches go to the worker: a plain signed body (its SHA-256 checked, a CRC-32C
    // header) and an aws-chunked one (the SDK's default: CRC32 in a trailer).
    const body = randomBytes(5 * 1024 * 1024 + 123);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const uint32 = (value: number) => Buffer.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]).toString('base64');
    const plain = new S3Client({ endpoint, region: 'us-east-1', credentials: ROOT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const put = await plain.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'large', Body: body, ChecksumCRC32C: uint32(crc32c(body)) }));
    assert.equal(put.ETag, etag);
    assert.equal(put.ChecksumCRC32C, uint32(crc32c(body)));
    assert.equal(objects.get('bkt/large')!.body.equals(body), true);
    await assert.rejects(plain.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'large-bad', Body: body, ChecksumCRC32C: uint32(crc32c(body) ^ 1) })), { name: 'BadDigest' });
    assert.equal(objects.has('bkt/large-bad'), false);
    plain.destroy();
    const chunked = pathStyle();
    const streamed = await chunked.send(new PutObjectCommand({ Bucket: 'bkt', Key: 'large-chunked', Body: Readable.from([body.subarray(0, 3_000_000), body.subarray(3_000_000)]), ContentLength: body.length }));
    assert.equal(streamed.ETag, etag);
    assert.equal(streamed.ChecksumCRC32, uint32(crc32(body)));
    assert.equal(objects.get('bkt/large-chunked')!.body.equals(body), true);
    chunked.destroy();
  });

  test('aws-chunked with chunk signatures: good chunks pass, a forged chunk is refused', async () => {
    const signer = testSigner(ROOT, 's3');
    const data = [Buffer.alloc(70_000, 'a'), Buffer.alloc(1000, 'b')];
    const send = async (tamper: boolean) => {
      const length = data.reduce((sum, chunk) => sum + chunk.length, 0);
      const headers: Record<string, string> = {
        host: `127.0.0.1:${port}`,
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'x-amz-decoded-content-length': String(length),
        'content-encoding': 'aws-chunked',
      };
      const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port, path: '/bkt/chunked', headers, query: {} });
      const authorization = signed.headers.authorization!;
      const seed = /Signature=([0-9a-f]{64})/.exec(authorization)![1]!;
      const amzDate = signed.headers['x-amz-date']!;
      const signing = { seed, amzDate, scope: `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`, key: await signingKey(amzDate.slice(0, 8)) };
      let previous = seed;
      const parts: Buffer[] = [];
      for (const chunk of [...data, Buffer.alloc(0)]) {
        const hash = (await import('node:crypto')).createHash('sha256').update(chunk).digest('hex');
        const signature = chunkSignature(signing, 'PAYLOAD', previous, hash);
        previous = signature;
        const sent = tamper && chunk.length === 1000 ? Buffer.alloc(1000, 'c') : chunk;
        parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), sent, Buffer.from('\r\n'));
      }
      const body = Buffer.concat(parts);
      return new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/bkt/chunked', headers: { ...signed.headers, 'content-length': String(body.length) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk) => chunks.push(chunk)).on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(body);
      });
    };
    const good = await send(false);
    assert.equal(good.status, 200, good.text);
    assert.equal(objects.get('bkt/chunked')!.body.length, 71_000);
    objects.delete('bkt/chunked');
    const forged = await send(true);
    assert.equal(forged.status, 403);
    assert.match(forged.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(objects.has('bkt/chunked'), false);
  });

  test('the aws CLI (botocore): cp up and down, ls; a bad key is InvalidAccessKeyId', async () => {
    const env = { ...process.env, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };
    const run = promisify(execFile);
    const dir = (await import('node:fs')).mkdtempSync('/tmp/rest-test-');
    const fs = await import('node:fs');
    fs.writeFileSync(`${dir}/small.txt`, 'small');
    await run('aws', ['--endpoint-url', endpoint, 's3', 'cp', `${dir}/small.txt`, 's3://cli/dir/small.txt'], { env });
    assert.equal(objects.get('cli/dir/small.txt')?.body.toString(), 'small');
    await run('aws', ['--endpoint-url', endpoint, 's3', 'cp', 's3://cli/dir/small.txt', `${dir}/down.txt`], { env });
    assert.equal(fs.readFileSync(`${dir}/down.txt`, 'utf8'), 'small');
    const { stdout } = await run('aws', ['--endpoint-url', endpoint, 's3', 'ls', 's3://cli/dir/'], { env });
    assert.match(stdout, /small\.txt/);
    const refused = await run('aws', ['--endpoint-url', endpoint, 's3api', 'get-bucket-location', '--bucket', 'cli'], { env: { ...env, AWS_ACCESS_KEY_ID: 'AKIANOBODYNOBODYNOBO' } }).catch((error: { stderr: string }) => error.stderr);
    assert.match(String(refused), /InvalidAccessKeyId/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('REST-JSON with @aws-sdk/client-efs', () => {
  test('body members in and out, query members, errors with x-amzn-ErrorType', async () => {
    const client = new EFSClient({ endpoint, region: 'us-east-1', credentials: ROOT });
    const created = await client.send(new CreateFileSystemCommand({ CreationToken: 'tok', Tags: [{ Key: 'a', Value: 'b' }] }));
    assert.equal(created.FileSystemId, 'fs-1');
    assert.equal(created.CreationTime?.getTime(), 1700000000000);
    assert.deepEqual(created.Tags, [{ Key: 'a', Value: 'b' }]);
    assert.equal((await client.send(new DescribeFileSystemsCommand({ MaxItems: 5, Marker: 'm&1' }))).Marker, 'm&1');
    await assert.rejects(client.send(new DescribeFileSystemsCommand({ FileSystemId: 'fs-00000000deadbeef' })), (error: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(error.name, 'FileSystemNotFound');
      assert.equal(error.$metadata.httpStatusCode, 404);
      return true;
    });
    const wrongKey = new EFSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIANOBODYNOBODYNOBO', secretAccessKey: 'x' } });
    await assert.rejects(wrongKey.send(new DescribeFileSystemsCommand({})), { name: 'UnrecognizedClientException' });
    client.destroy();
    wrongKey.destroy();
  });
});

async function signingKey(date: string): Promise<Buffer> {
  const { createHmac } = await import('node:crypto');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${ROOT.secretAccessKey}`, date), 'us-east-1'), 's3'), 'aws4_request');
}
