// STS end to end: the real @aws-sdk/client-sts and the aws CLI against a real `wharf up`: who each kind
// of caller is, AssumeRole allowed and refused by the trust policy, ExternalId, durations, session
// credentials used on other services; and, against a server whose clock the test moves, an expired
// session refused with ExpiredToken (query) and ExpiredTokenException (JSON) without waiting 15 minutes.
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer } from '../src/cli/server.js';
import { systemClock } from '../src/cli/system.js';
import type { Logger } from '../src/core/ports.js';
import { freePort, startWharf, type WharfProcess } from './wharf-process.js';

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error('the call succeeded');
}

const sts = (endpoint: string, credentials: Keys) => new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const keysOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Keys => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

/** A user with inline `policies` and an access key. */
async function makeUser(endpoint: string, root: Keys, name: string, policies: string[] = []): Promise<{ arn: string; keys: Keys }> {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: root, maxAttempts: 1 });
  const { User } = await iam.send(new CreateUserCommand({ UserName: name }));
  for (const [i, document] of policies.entries()) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: `p${i}`, PolicyDocument: document }));
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  return { arn: User!.Arn!, keys: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } };
}

async function makeRole(endpoint: string, root: Keys, name: string, trust: string, maxSessionDuration?: number) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: root, maxAttempts: 1 });
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, ...(maxSessionDuration && { MaxSessionDuration: maxSessionDuration }) }));
  return Role!;
}

describe('STS against wharf up', () => {
  let wharf: WharfProcess;
  let account: string;
  before(async () => {
    wharf = await startWharf();
    account = (await sts(wharf.endpoint, wharf.credentials).send(new GetCallerIdentityCommand({}))).Account!;
  });
  after(async () => {
    await wharf?.stop();
  });

  test('GetCallerIdentity answers root, a user and a role session as AWS does', async () => {
    const root = await sts(wharf.endpoint, wharf.credentials).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([root.UserId, root.Arn], [account, `arn:aws:iam::${account}:root`]);

    const carol = await makeUser(wharf.endpoint, wharf.credentials, 'carol');
    const asCarol = await sts(wharf.endpoint, carol.keys).send(new GetCallerIdentityCommand({}));
    assert.equal(asCarol.Arn, carol.arn);
    assert.match(asCarol.UserId!, /^AIDA[A-Z2-7]+$/);

    const role = await makeRole(wharf.endpoint, wharf.credentials, 'reader', doc({ Effect: 'Allow', Principal: { AWS: carol.arn }, Action: 'sts:AssumeRole' }));
    const assumed = await sts(wharf.endpoint, carol.keys).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'cli-session' }));
    assert.equal(assumed.AssumedRoleUser!.Arn, `arn:aws:sts::${account}:assumed-role/reader/cli-session`);
    assert.equal(assumed.AssumedRoleUser!.AssumedRoleId, `${role.RoleId}:cli-session`);
    assert.match(assumed.Credentials!.AccessKeyId!, /^ASIA/);
    const asRole = await sts(wharf.endpoint, keysOf(assumed.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([asRole.UserId, asRole.Arn], [`${role.RoleId}:cli-session`, assumed.AssumedRoleUser!.Arn]);

    // The aws CLI, with the session in its environment.
    const env = {
      ...wharf.env,
      AWS_ACCESS_KEY_ID: assumed.Credentials!.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: assumed.Credentials!.SecretAccessKey,
      AWS_SESSION_TOKEN: assumed.Credentials!.SessionToken,
    };
    const printed = JSON.parse(execFileSync('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env }).toString());
    assert.equal(printed.Arn, assumed.AssumedRoleUser!.Arn);
  });

  test('AssumeRole is refused when the trust policy does not allow the caller, and checks ExternalId', async () => {
    const dave = await makeUser(wharf.endpoint, wharf.credentials, 'dave', [doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' })]);
    const other = await makeRole(wharf.endpoint, wharf.credentials, 'not-for-dave', doc({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
    const denied = await failure(sts(wharf.endpoint, dave.keys).send(new AssumeRoleCommand({ RoleArn: other.Arn, RoleSessionName: 'session-1' })));
    assert.equal(denied.name, 'AccessDenied');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    assert.equal(denied.message, `User: ${dave.arn} is not authorized to perform: sts:AssumeRole on resource: ${other.Arn}`);

    // The account named in the trust policy delegates to dave's own policy, which allows it; ExternalId must match.
    const vendor = await makeRole(
      wharf.endpoint,
      wharf.credentials,
      'vendor',
      doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } }),
    );
    assert.equal((await failure(sts(wharf.endpoint, dave.keys).send(new AssumeRoleCommand({ RoleArn: vendor.Arn, RoleSessionName: 'session-1' })))).name, 'AccessDenied');
    const ok = await sts(wharf.endpoint, dave.keys).send(new AssumeRoleCommand({ RoleArn: vendor.Arn, RoleSessionName: 'session-1', ExternalId: 'Unique-1234' }));
    assert.ok(ok.Credentials?.SessionToken);

    // The CLI says the same.
    const cli = () => execFileSync('aws', ['sts', 'assume-role', '--role-arn', other.Arn!, '--role-session-name', 'session-1'], {
      env: { ...wharf.env, AWS_ACCESS_KEY_ID: dave.keys.accessKeyId, AWS_SECRET_ACCESS_KEY: dave.keys.secretAccessKey },
      stdio: 'pipe',
    });
    assert.throws(cli, (error: any) => /\(AccessDenied\) when calling the AssumeRole operation: User: .* is not authorized to perform: sts:AssumeRole/.test(String(error.stderr)));
  });

  test('DurationSeconds: 900 up to the role\'s maximum, with AWS\'s messages', async () => {
    const erin = await makeUser(wharf.endpoint, wharf.credentials, 'erin');
    const role = await makeRole(wharf.endpoint, wharf.credentials, 'two-hours', doc({ Effect: 'Allow', Principal: { AWS: erin.arn }, Action: 'sts:AssumeRole' }), 7200);
    const assume = (DurationSeconds: number) => sts(wharf.endpoint, erin.keys).send(new AssumeRoleCommand({ RoleArn: role.Arn, RoleSessionName: 'session-1', DurationSeconds }));
    const short = await failure(assume(899));
    assert.equal(short.name, 'ValidationError');
    assert.match(short.message, /Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/);
    const long = await failure(assume(7201));
    assert.equal(long.name, 'ValidationError');
    assert.equal(long.message, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const { Credentials } = await assume(7200);
    const seconds = (Credentials!.Expiration!.getTime() - Date.now()) / 1000;
    assert.ok(seconds > 7100 && seconds <= 7200, String(seconds));
  });

  test('session credentials work on other services; forged tokens are refused in each protocol\'s words', async () => {
    const { Credentials } = await sts(wharf.endpoint, wharf.credentials).send(new GetSessionTokenCommand({}));
    const session = keysOf(Credentials);
    const ecs = (credentials: Keys) => new ECSClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    assert.ok((await ecs(session).send(new ListClustersCommand({}))).clusterArns);
    const forged = { ...session, sessionToken: session.sessionToken!.slice(0, -8) + 'AAAAAAA=' };
    const json = await failure(ecs(forged).send(new ListClustersCommand({})));
    assert.equal(json.name, 'UnrecognizedClientException');
    const query = await failure(sts(wharf.endpoint, forged).send(new GetCallerIdentityCommand({})));
    assert.equal(query.name, 'InvalidClientTokenId');
    assert.equal(query.message, 'The security token included in the request is invalid.');
    const sessionOfSession = await failure(sts(wharf.endpoint, session).send(new GetSessionTokenCommand({})));
    assert.equal(sessionOfSession.name, 'AccessDenied');
  });
});

describe('STS sessions expire', () => {
  // The control plane's clock runs this far ahead of the system's: the test moves it past a session's end.
  let ahead = 0;
  const clock = { ...systemClock, now: () => new Date(Date.now() + ahead) };
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-sts-'));
  let endpoint: string;
  let close: () => Promise<void>;
  before(async () => {
    const server = await startServer({ host: '127.0.0.1', port: await freePort(), dataDir, region: 'us-east-1', auth: 'sigv4', log: quiet, localAgent: false, clock, registryPort: 0, nfs: false });
    endpoint = server.endpoint;
    close = server.close;
  });
  after(async () => {
    await close?.();
  });

  test('an expired session is refused with ExpiredToken (query) and ExpiredTokenException (JSON)', async () => {
    const root = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Keys;
    const { Credentials } = await sts(endpoint, root).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const session = keysOf(Credentials);
    assert.equal((await sts(endpoint, session).send(new GetCallerIdentityCommand({}))).Arn?.endsWith(':root'), true);

    ahead = 901_000;
    const query = await failure(sts(endpoint, session).send(new GetCallerIdentityCommand({})));
    assert.equal(query.name, 'ExpiredToken');
    assert.equal(query.message, 'The security token included in the request is expired');
    assert.equal(query.$metadata.httpStatusCode, 403);
    const json = await failure(new ECSClient({ endpoint, region: 'us-east-1', credentials: session, maxAttempts: 1 }).send(new ListClustersCommand({})));
    assert.equal(json.name, 'ExpiredTokenException');
    assert.equal(json.$metadata.httpStatusCode, 400);
  });
});
