// S3 end to end against a real `wharf up`: @aws-sdk/client-s3 path-style and virtual-hosted-style, the `aws`
// CLI (a 200 MB multipart `cp` both ways with its checksum compared, `sync`, `ls`, `rm`, `presign` read with
// curl), boto3 for versioning and conditional reads, AWS's errors for bad input (bucket names, wrong
// checksums, forged chunk signatures: nothing stored), and objects that outlive a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketCorsCommand,
  GetBucketPolicyCommand,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  ListPartsCommand,
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutBucketNotificationConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { testSigner } from '../src/protocol/test-signer.js';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const run = promisify(execFile);

let wharf: WharfProcess;
let s3: S3Client;
let dir: string;

before(async () => {
  wharf = await startWharf();
  s3 = new S3Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, forcePathStyle: true });
  dir = mkdtempSync(join(tmpdir(), 's3-test-'));
});

after(async () => {
  s3?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await wharf?.stop();
});

const failure = (promise: Promise<unknown>) => promise.then(() => 'succeeded', (err: Error) => err.name);
const aws = async (...args: string[]) => (await run('aws', args, { env: wharf.env, maxBuffer: 64 * 1024 * 1024 })).stdout;
const text = async (body: { transformToString(): Promise<string> } | undefined) => body!.transformToString();
const sha256 = (path: string) => new Promise<string>((resolve, reject) => {
  const hash = createHash('sha256');
  createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
});
const bodies = () => readdirSync(join(wharf.dataDir, 'objects', 'bodies')).reduce((sum, sub) => sum + readdirSync(join(wharf.dataDir, 'objects', 'bodies', sub)).length, 0);

describe('buckets', () => {
  it('creates, lists, heads, locates and deletes buckets as S3 does', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'alpha-bucket' }));
    const west = new S3Client({ endpoint: wharf.endpoint, region: 'us-west-2', credentials: wharf.credentials, forcePathStyle: true });
    await west.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    // The SDK adds its region's constraint itself; a wrong one is refused.
    assert.equal(await failure(west.send(new CreateBucketCommand({ Bucket: 'west-other', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }))), 'IllegalLocationConstraintException');
    assert.equal(await failure(west.send(new CreateBucketCommand({ Bucket: 'west-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }))), 'BucketAlreadyOwnedByYou');
    assert.equal((await west.send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }))).LocationConstraint, 'us-west-2');
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: 'alpha-bucket' }))).LocationConstraint, undefined);
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: 'west-bucket' }))).BucketRegion, 'us-west-2');
    const names = (await s3.send(new ListBucketsCommand({}))).Buckets!.map((bucket) => bucket.Name);
    assert.ok(names.includes('alpha-bucket') && names.includes('west-bucket'));
    for (const bad of ['ab', 'UPPER', 'a..b', '192.168.1.1', '-dash', 'xn--bucket', 'x'.repeat(64)])
      assert.equal(await failure(s3.send(new CreateBucketCommand({ Bucket: bad }))), 'InvalidBucketName', bad);
    await s3.send(new PutObjectCommand({ Bucket: 'west-bucket', Key: 'k', Body: 'x' }));
    assert.equal(await failure(west.send(new DeleteBucketCommand({ Bucket: 'west-bucket' }))), 'BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: 'west-bucket', Key: 'k' }));
    await west.send(new DeleteBucketCommand({ Bucket: 'west-bucket' }));
    assert.equal(await failure(s3.send(new HeadBucketCommand({ Bucket: 'west-bucket' }))), 'NotFound');
    assert.equal(await failure(s3.send(new GetBucketLocationCommand({ Bucket: 'west-bucket' }))), 'NoSuchBucket');
    west.destroy();
  });

  it('keeps tags, policies, lifecycle and notification configurations', async () => {
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'alpha-bucket', Tagging: { TagSet: [{ Key: 'team', Value: 'web' }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: 'alpha-bucket' }))).TagSet, [{ Key: 'team', Value: 'web' }]);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::alpha-bucket/*' }] });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'alpha-bucket', Policy: policy }));
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: 'alpha-bucket' }))).Policy, policy);
    assert.equal(await failure(s3.send(new PutBucketPolicyCommand({ Bucket: 'alpha-bucket', Policy: 'not json' }))), 'MalformedPolicy');
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'alpha-bucket',
        LifecycleConfiguration: { Rules: [{ ID: 'old-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 7 } }] },
      }),
    );
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'alpha-bucket', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    assert.deepEqual((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'alpha-bucket' }))).EventBridgeConfiguration, {});
  });
});

describe('objects with @aws-sdk/client-s3', () => {
  it('puts, gets (ranges, conditions), heads, copies, tags, lists and deletes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { Owner: 'me' }, Tagging: 'k=v&x=y' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt' }));
    assert.equal(await text(got.Body), 'hello world');
    assert.equal(got.ContentType, 'text/plain');
    assert.deepEqual(got.Metadata, { owner: 'me' });
    assert.equal(got.TagCount, 2);
    const ranged = await s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', Range: 'bytes=6-' }));
    assert.equal(await text(ranged.Body), 'world');
    assert.equal(ranged.ContentRange, 'bytes 6-10/11');
    assert.equal(await failure(s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', Range: 'bytes=50-' }))), 'InvalidRange');
    // 304 has no body, as on AWS: the SDK knows it by its status alone.
    const notModified = await s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', IfNoneMatch: got.ETag })).catch((err: { $metadata: { httpStatusCode: number } }) => err.$metadata.httpStatusCode);
    assert.equal(notModified, 304);
    assert.equal(await failure(s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', IfMatch: '"nope"' }))), 'PreconditionFailed');
    assert.equal(await failure(s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt', Body: 'x', IfNoneMatch: '*' }))), 'PreconditionFailed');
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/a.txt' }))).ContentLength, 11);
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/b.txt', CopySource: 'alpha-bucket/docs/a.txt' }));
    assert.equal(copied.CopyObjectResult?.ETag, got.ETag);
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: 'alpha-bucket', Key: 'docs/b.txt' }))).TagSet, [{ Key: 'k', Value: 'v' }, { Key: 'x', Value: 'y' }]);
    for (const key of ['docs/sub/c.txt', 'docs/sub/d.txt', 'other/e.txt', 'top.txt']) await s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: key, Body: key }));
    const delimited = await s3.send(new ListObjectsV2Command({ Bucket: 'alpha-bucket', Prefix: 'docs/', Delimiter: '/' }));
    assert.deepEqual(delimited.Contents?.map((object) => object.Key), ['docs/a.txt', 'docs/b.txt']);
    assert.deepEqual(delimited.CommonPrefixes?.map((common) => common.Prefix), ['docs/sub/']);
    // Pages of two: common prefixes count as entries and each comes once.
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'alpha-bucket', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((object) => object.Key!), ...(page.CommonPrefixes ?? []).map((common) => common.Prefix!));
      token = page.NextContinuationToken;
    } while (token);
    assert.deepEqual(keys.sort(), ['docs/', 'other/', 'top.txt']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'alpha-bucket', Prefix: 'docs/sub/', MaxKeys: 1 }));
    assert.equal(v1.IsTruncated, true);
    assert.deepEqual(v1.Contents?.map((object) => object.Key), ['docs/sub/c.txt']);
    await s3.send(new DeleteObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/b.txt' }));
    assert.equal(await failure(s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'docs/b.txt' }))), 'NoSuchKey');
  });

  it('keeps versions and delete markers in a versioned bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'versioned-bucket' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: 'versioned-bucket', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'versioned-bucket', Key: 'k', Body: 'two' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'versioned-bucket', Key: 'k' }));
    assert.equal(deleted.DeleteMarker, true);
    assert.equal(await failure(s3.send(new GetObjectCommand({ Bucket: 'versioned-bucket', Key: 'k' }))), 'NoSuchKey');
    assert.equal(await text((await s3.send(new GetObjectCommand({ Bucket: 'versioned-bucket', Key: 'k', VersionId: first.VersionId }))).Body), 'one');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned-bucket' }));
    assert.equal(versions.Versions?.length, 2);
    assert.equal(versions.DeleteMarkers?.length, 1);
    assert.equal(versions.DeleteMarkers?.[0]?.IsLatest, true);
    await s3.send(new DeleteObjectCommand({ Bucket: 'versioned-bucket', Key: 'k', VersionId: deleted.VersionId }));
    assert.equal(await text((await s3.send(new GetObjectCommand({ Bucket: 'versioned-bucket', Key: 'k' }))).Body), 'two');
  });

  it('multipart: parts, a copied part, list, complete; abort leaves nothing', async () => {
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', ContentType: 'application/x-big' }));
    const part1 = randomBytes(5 * 1024 * 1024);
    const one = await s3.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', UploadId: upload.UploadId, PartNumber: 1, Body: part1 }));
    const two = await s3.send(new UploadPartCopyCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', UploadId: upload.UploadId, PartNumber: 2, CopySource: 'alpha-bucket/docs/a.txt', CopySourceRange: 'bytes=0-4' }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', UploadId: upload.UploadId }));
    assert.deepEqual(parts.Parts?.map((part) => part.Size), [part1.length, 5]);
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'alpha-bucket' }))).Uploads?.length, 1);
    assert.equal(
      await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: two.CopyPartResult!.ETag }, { PartNumber: 1, ETag: one.ETag }] } }))),
      'InvalidPartOrder',
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: one.ETag }, { PartNumber: 2, ETag: two.CopyPartResult!.ETag }] } }),
    );
    assert.match(done.ETag!, /-2"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'big.bin', Range: `bytes=${part1.length - 2}-` }));
    assert.equal(Buffer.from(await got.Body!.transformToByteArray()).toString('latin1'), part1.subarray(-2).toString('latin1') + 'hello');
    assert.equal(got.ContentType, 'application/x-big');
    const before = bodies();
    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'gone.bin' }));
    await s3.send(new UploadPartCommand({ Bucket: 'alpha-bucket', Key: 'gone.bin', UploadId: aborted.UploadId, PartNumber: 1, Body: 'part' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'alpha-bucket', Key: 'gone.bin', UploadId: aborted.UploadId }));
    assert.equal(bodies(), before);
    assert.equal(await failure(s3.send(new ListPartsCommand({ Bucket: 'alpha-bucket', Key: 'gone.bin', UploadId: aborted.UploadId }))), 'NoSuchUpload');
  });

  it('virtual-hosted-style addressing (bucket.localhost)', async () => {
    const lookup = (_host: string, options: unknown, callback: (...args: unknown[]) => void) =>
      (options as { all?: boolean }).all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
    const hosted = new S3Client({
      endpoint: `http://localhost:${wharf.port}`,
      region: 'us-east-1',
      credentials: wharf.credentials,
      requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup: lookup as never }) }),
    });
    await hosted.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'hosted/x y.txt', Body: Readable.from([Buffer.from('streamed')]), ContentLength: 8 }));
    assert.equal(await text((await hosted.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'hosted/x y.txt' }))).Body), 'streamed');
    assert.deepEqual((await hosted.send(new ListObjectsV2Command({ Bucket: 'alpha-bucket', Prefix: 'hosted/' }))).Contents?.map((object) => object.Key), ['hosted/x y.txt']);
    hosted.destroy();
  });

  it('refuses wrong checksums and Content-MD5, storing nothing', async () => {
    const before = bodies();
    assert.equal(await failure(s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'bad.txt', Body: 'hello', ChecksumSHA256: Buffer.alloc(32).toString('base64') }))), 'BadDigest');
    assert.equal(await failure(s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'bad.txt', Body: 'hello', ContentMD5: Buffer.alloc(16).toString('base64') }))), 'BadDigest');
    assert.equal(await failure(s3.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'bad.txt' }))), 'NotFound');
    assert.equal(bodies(), before);
  });
});

describe('the aws CLI and boto3', () => {
  it('cp of a 200 MB file (multipart) both ways, the checksum equal; sync, ls, rm; presign + curl', async () => {
    await aws('s3', 'mb', 's3://cli-bucket');
    const big = join(dir, 'big.bin');
    writeFileSync(big, randomBytes(200 * 1024 * 1024));
    await aws('s3', 'cp', big, 's3://cli-bucket/big.bin');
    const down = join(dir, 'big.down');
    await aws('s3', 'cp', 's3://cli-bucket/big.bin', down);
    assert.equal(statSync(down).size, 200 * 1024 * 1024);
    assert.equal(await sha256(down), await sha256(big));
    const head = JSON.parse(await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'big.bin'));
    assert.match(head.ETag, /-\d+"$/, 'uploaded in parts');
    rmSync(big);
    rmSync(down);

    const tree = join(dir, 'tree');
    for (const file of ['a.txt', 'sub/b.txt', 'sub/deeper/c.txt']) {
      mkdirp(join(tree, file));
      writeFileSync(join(tree, file), `content of ${file}`);
    }
    await aws('s3', 'sync', tree, 's3://cli-bucket/tree');
    const listing = await aws('s3', 'ls', '--recursive', 's3://cli-bucket/tree/');
    for (const file of ['a.txt', 'sub/b.txt', 'sub/deeper/c.txt']) assert.match(listing, new RegExp(`tree/${file}`));
    assert.match(await aws('s3', 'ls', 's3://cli-bucket/tree/'), /PRE sub\//);
    // Nothing changed: sync uploads nothing.
    assert.equal((await aws('s3', 'sync', tree, 's3://cli-bucket/tree')).trim(), '');
    await aws('s3', 'rm', '--recursive', 's3://cli-bucket/tree/sub/');
    assert.doesNotMatch(await aws('s3', 'ls', '--recursive', 's3://cli-bucket/tree/'), /sub\//);

    // CLI v1 presigns with SigV2 (query-string authentication) unless told s3v4; either URL reads the object.
    const config = join(dir, 'aws-config');
    writeFileSync(config, '[default]\ns3 =\n    signature_version = s3v4\n');
    for (const env of [wharf.env, { ...wharf.env, AWS_CONFIG_FILE: config }]) {
      const url = (await run('aws', ['s3', 'presign', 's3://cli-bucket/tree/a.txt', '--expires-in', '300'], { env })).stdout.trim();
      assert.match(url, env === wharf.env ? /AWSAccessKeyId=/ : /X-Amz-Signature=/);
      const { stdout } = await run('curl', ['-sS', '-f', url]);
      assert.equal(stdout, 'content of a.txt');
      const tampered = url.replace('tree/a.txt', 'tree/b.txt');
      const refused = await run('curl', ['-sS', tampered]);
      assert.match(refused.stdout, /SignatureDoesNotMatch/);
    }
  });

  it('boto3: versioning, conditional GET, a bad key', async () => {
    const script = `
import boto3, botocore
s3 = boto3.client('s3', endpoint_url='${wharf.endpoint}', region_name='us-east-1')
s3.create_bucket(Bucket='boto-bucket')
s3.put_bucket_versioning(Bucket='boto-bucket', VersioningConfiguration={'Status': 'Enabled'})
v1 = s3.put_object(Bucket='boto-bucket', Key='k', Body=b'one')['VersionId']
s3.put_object(Bucket='boto-bucket', Key='k', Body=b'two')
assert s3.get_object(Bucket='boto-bucket', Key='k', VersionId=v1)['Body'].read() == b'one'
etag = s3.head_object(Bucket='boto-bucket', Key='k')['ETag']
try:
    s3.get_object(Bucket='boto-bucket', Key='k', IfNoneMatch=etag)
    raise SystemExit('no 304')
except botocore.exceptions.ClientError as e:
    assert e.response['Error']['Code'] == '304', e.response
try:
    s3.get_object(Bucket='boto-bucket', Key='missing')
except s3.exceptions.NoSuchKey:
    pass
print(s3.get_bucket_location(Bucket='boto-bucket')['LocationConstraint'])
`;
    const { stdout } = await run('python3', ['-c', script], { env: wharf.env });
    assert.equal(stdout.trim(), 'None');
  });
});

describe('CORS', () => {
  it("a preflight (OPTIONS) is answered by the bucket's CORS rules; a request with an Origin gets the rule's headers", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cors-bucket' }));
    const url = `${wharf.endpoint}/cors-bucket/page.html`;
    const preflight = (origin: string, method: string, headers?: string) =>
      fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, ...(headers && { 'access-control-request-headers': headers }) } });
    const none = await preflight('https://app.example.com', 'GET');
    assert.equal(none.status, 403);
    assert.match(await none.text(), /<Code>AccessForbidden<\/Code><Message>CORSResponse: CORS is not enabled for this bucket.<\/Message>/);
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-bucket',
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }] },
      }),
    );
    const allowed = await preflight('https://app.example.com', 'PUT', 'Content-Type');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-methods'), 'GET, PUT');
    assert.equal(allowed.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal(allowed.headers.get('access-control-max-age'), '600');
    for (const [origin, method, headers] of [['https://evil.org', 'GET'], ['https://app.example.com', 'DELETE'], ['https://app.example.com', 'PUT', 'x-other']] as const) {
      const refused = await preflight(origin, method, headers);
      assert.equal(refused.status, 403, `${origin} ${method} ${headers}`);
      assert.match(await refused.text(), /AccessForbidden/);
    }
    // The actual request (signed: a presigned URL here) carries the matching rule's headers; another origin none.
    await s3.send(new PutObjectCommand({ Bucket: 'cors-bucket', Key: 'page.html', Body: '<p>hi</p>' }));
    const signed = (await run('aws', ['s3', 'presign', 's3://cors-bucket/page.html'], { env: wharf.env })).stdout.trim();
    const got = await fetch(signed, { headers: { origin: 'https://app.example.com' } });
    assert.equal(await got.text(), '<p>hi</p>');
    assert.equal(got.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(got.headers.get('access-control-expose-headers'), 'ETag');
    const other = await fetch(signed, { headers: { origin: 'https://evil.org' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    await other.text();
  });
});

describe('IAM and bucket policies', () => {
  it("a user's policy and the bucket's policy both grant; S3's operations are authorised as its actions", async () => {
    const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
    await s3.send(new CreateBucketCommand({ Bucket: 'policy-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'read/me.txt', Body: 'readable' }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const reader = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::policy-bucket', 'arn:aws:s3:::policy-bucket/read/*'] },
      ],
    };
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read', PolicyDocument: JSON.stringify(reader) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    const user = new S3Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, forcePathStyle: true });
    await eventually(async () => (await failure(user.send(new HeadObjectCommand({ Bucket: 'policy-bucket', Key: 'read/me.txt' })))) === 'succeeded' || undefined, 'the new key to work');
    assert.equal(await text((await user.send(new GetObjectCommand({ Bucket: 'policy-bucket', Key: 'read/me.txt' }))).Body), 'readable');
    assert.equal((await user.send(new ListObjectsV2Command({ Bucket: 'policy-bucket' }))).KeyCount, 1);
    assert.equal(await failure(user.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'write/x.txt', Body: 'x' }))), 'AccessDenied');
    assert.equal(await failure(user.send(new GetObjectCommand({ Bucket: 'policy-bucket', Key: 'other.txt' }))), 'AccessDenied');
    const userArn = `arn:aws:iam::${(await iam.send(new GetUserCommand({ UserName: 'reader' }))).User!.Arn!.split(':')[4]}:user/reader`;
    const bucketPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::policy-bucket/write/*' }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: JSON.stringify(bucketPolicy) }));
    await user.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'write/x.txt', Body: 'x' }));
    assert.equal(await failure(user.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'elsewhere/x.txt', Body: 'x' }))), 'AccessDenied');
    user.destroy();
    iam.destroy();
  });
  it('an unsigned request is anonymous: refused with AccessDenied unless the bucket policy grants "*"', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'public-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'public-bucket', Key: 'site/index.html', Body: 'public page' }));
    await s3.send(new PutObjectCommand({ Bucket: 'public-bucket', Key: 'private/secret.txt', Body: 'secret' }));
    const unsigned = (path: string, init: RequestInit = {}) => fetch(`${wharf.endpoint}/public-bucket/${path}`, init);
    const before = await unsigned('site/index.html');
    assert.equal(before.status, 403);
    assert.match(await before.text(), /<Code>AccessDenied<\/Code>/);
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public-bucket/site/*' }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'public-bucket', Policy: JSON.stringify(policy) }));
    const page = await unsigned('site/index.html');
    assert.equal(page.status, 200);
    assert.equal(await page.text(), 'public page');
    assert.equal((await unsigned('site/index.html', { method: 'HEAD' })).status, 200);
    for (const [path, init] of [['private/secret.txt', {}], ['site/new.html', { method: 'PUT', body: 'defaced' }], ['', {}]] as const) {
      const refused = await unsigned(path, init);
      assert.equal(refused.status, 403, path);
      assert.match(await refused.text(), /AccessDenied/);
    }
    assert.equal(await failure(s3.send(new HeadObjectCommand({ Bucket: 'public-bucket', Key: 'site/new.html' }))), 'NotFound');
  });
});

describe('durability', () => {
  it('objects outlive a restart; an interrupted upload stores nothing', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'alpha-bucket', Key: 'kept.txt', Body: 'still here' }));
    await wharf.restart();
    s3.destroy();
    s3 = new S3Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, forcePathStyle: true });
    assert.equal(await text((await s3.send(new GetObjectCommand({ Bucket: 'alpha-bucket', Key: 'kept.txt' }))).Body), 'still here');
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: 'alpha-bucket' }))).TagSet, [{ Key: 'team', Value: 'web' }]);
    // A body cut short (the connection closed before its declared length) is not an object.
    const before = bodies();
    const signed = await testSigner(wharf.credentials, 's3').sign({
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: wharf.port,
      path: '/alpha-bucket/cut.txt',
      query: {},
      headers: { host: `127.0.0.1:${wharf.port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '100000' },
    });
    const head = ['PUT /alpha-bucket/cut.txt HTTP/1.1', ...Object.entries(signed.headers).map(([name, value]) => `${name}: ${value}`), '', 'only some'].join('\r\n');
    await new Promise<void>((resolve) => {
      const socket = connect(wharf.port, '127.0.0.1', () => socket.write(head, () => setTimeout(() => socket.destroy(), 200)));
      socket.on('close', () => resolve()).on('error', () => resolve());
      socket.resume();
    });
    assert.equal(await failure(s3.send(new HeadObjectCommand({ Bucket: 'alpha-bucket', Key: 'cut.txt' }))), 'NotFound');
    assert.equal(bodies(), before);
  });
});

function mkdirp(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
}
