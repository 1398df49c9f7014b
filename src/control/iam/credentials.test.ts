import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, putCluster, putInstance } from '../ecs/fixtures.js';
import { assumeRole, sessionToken } from '../sts/sessions.js';
import { putRole, putUser, ROOT_KEY, trust } from '../sts/sts-fixtures.js';
import { resolveCredentials } from './credentials.js';
import type { TaskRecord } from '../../core/ecs.js';

const ACCOUNT = '123456789012';

async function world() {
  const f = await fixture();
  const alice = await putUser(f.ctx, 'alice');
  const role = await putRole(f.ctx, 'app', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }), { MaxSessionDuration: 7200 });
  const resolve = (id: string, token?: string) => resolveCredentials(f.ctx, ROOT_KEY, id, token);
  return { ...f, alice, role, resolve };
}

test('root, a user and a role session each resolve to the caller GetCallerIdentity describes', async () => {
  const { ctx, alice, role, resolve } = await world();
  assert.deepEqual(resolve(ROOT_KEY.accessKeyId), {
    secretAccessKey: ROOT_KEY.secretAccessKey,
    caller: { accessKeyId: ROOT_KEY.accessKeyId, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, type: 'root', userId: ACCOUNT, identityArn: `arn:aws:iam::${ACCOUNT}:root` },
  });
  assert.deepEqual(resolve(alice.caller.accessKeyId), { secretAccessKey: 'alice-secret', caller: alice.caller });

  const { credentials } = assumeRole(ctx, { roleArn: role.Arn, sessionName: 'build-7', caller: alice.caller, tags: { team: 'ci' } });
  assert.match(credentials.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  const resolved = resolve(credentials.AccessKeyId, credentials.SessionToken);
  assert.ok(resolved && 'caller' in resolved);
  assert.equal(resolved.secretAccessKey, credentials.SecretAccessKey);
  assert.deepEqual(resolved.caller, {
    accessKeyId: credentials.AccessKeyId,
    accountId: ACCOUNT,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/build-7`,
    type: 'assumed-role',
    userId: `${role.RoleId}:build-7`,
    identityArn: role.Arn,
    session: { expiration: credentials.Expiration, tags: { team: 'ci' } },
  });
});

test('a session token that is forged, altered, moved to another key or missing is invalid', async () => {
  const { ctx, alice, role, resolve } = await world();
  const { credentials: c } = assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller });
  const other = assumeRole(ctx, { roleArn: role.Arn, sessionName: 't', caller: alice.caller }).credentials;
  const bytes = Buffer.from(c.SessionToken, 'base64');
  bytes[bytes.length - 1]! ^= 1;
  for (const token of [undefined, 'forged', bytes.toString('base64'), other.SessionToken, `${c.SessionToken}=`])
    assert.deepEqual(resolve(c.AccessKeyId, token), { refused: 'invalid-token' }, String(token));
  // Long-term keys take no token.
  assert.deepEqual(resolve(alice.caller.accessKeyId, c.SessionToken), { refused: 'invalid-token' });
  assert.deepEqual(resolve(ROOT_KEY.accessKeyId, c.SessionToken), { refused: 'invalid-token' });
});

test('a session past its expiration is expired; its role deleted or recreated, it is invalid', async () => {
  const { ctx, alice, role, resolve, advance } = await world();
  const { credentials: c } = assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, durationSeconds: 900 });
  advance(899_000);
  assert.ok(resolve(c.AccessKeyId, c.SessionToken) && 'caller' in resolve(c.AccessKeyId, c.SessionToken)!);
  advance(1_000);
  assert.deepEqual(resolve(c.AccessKeyId, c.SessionToken), { refused: 'expired-token' });

  const fresh = assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller }).credentials;
  await putRole(ctx, 'app', role.AssumeRolePolicyDocument, { RoleId: 'AROADIFFERENTROLEID' });
  assert.deepEqual(resolve(fresh.AccessKeyId, fresh.SessionToken), { refused: 'invalid-token' });
  await ctx.state.mutate((tx) => tx.delete('iamRole', 'app'));
  assert.deepEqual(resolve(fresh.AccessKeyId, fresh.SessionToken), { refused: 'invalid-token' });
});

test('an inactive or unknown access key resolves to nobody', async () => {
  const { ctx, alice, resolve } = await world();
  await ctx.state.mutate((tx) => tx.put('iamAccessKey', alice.caller.accessKeyId, { ...tx.get('iamAccessKey', alice.caller.accessKeyId)!, Status: 'Inactive' }));
  assert.equal(resolve(alice.caller.accessKeyId), undefined);
  assert.equal(resolve('AKIANOBODYNOBODYNOBO'), undefined);
});

test('task-role credentials die with their task; instance credentials with their container instance', async () => {
  const { ctx, resolve } = await world();
  const role = await putRole(ctx, 'task', trust({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
  const taskArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/default/0123`;
  await ctx.state.mutate((tx) => tx.put('task', taskArn, { taskArn, lastStatus: 'RUNNING' } as TaskRecord));
  const forTask = assumeRole(ctx, { roleArn: role.Arn, sessionName: '0123', servicePrincipal: 'ecs-tasks.amazonaws.com', taskArn }).credentials;
  assert.equal((resolve(forTask.AccessKeyId, forTask.SessionToken) as any).caller.session.taskArn, taskArn);
  await ctx.state.mutate((tx) => tx.put('task', taskArn, { taskArn, lastStatus: 'STOPPED' } as TaskRecord));
  assert.deepEqual(resolve(forTask.AccessKeyId, forTask.SessionToken), { refused: 'invalid-token' });

  const ec2Role = await putRole(ctx, 'host', trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }));
  const instance = await putInstance(ctx, await putCluster(ctx), 'a1');
  const forInstance = assumeRole(ctx, { roleArn: ec2Role.Arn, sessionName: instance.ec2InstanceId, servicePrincipal: 'ec2.amazonaws.com', instanceId: instance.ec2InstanceId }).credentials;
  assert.ok('caller' in resolve(forInstance.AccessKeyId, forInstance.SessionToken)!);
  await ctx.state.mutate((tx) => tx.put('containerInstance', instance.containerInstanceArn, { ...instance, status: 'INACTIVE' }));
  assert.deepEqual(resolve(forInstance.AccessKeyId, forInstance.SessionToken), { refused: 'invalid-token' });
});

test("GetSessionToken's credentials are the user's own, or root's for at most an hour", async () => {
  const { ctx, alice, resolve } = await world();
  const c = sessionToken(ctx, alice.caller);
  assert.equal(c.Expiration.getTime() - ctx.clock.now().getTime(), 12 * 3600_000);
  const resolved = resolve(c.AccessKeyId, c.SessionToken) as any;
  assert.equal(resolved.caller.arn, alice.user.Arn);
  assert.equal(resolved.caller.type, 'user');
  const rootCaller = (resolve(ROOT_KEY.accessKeyId) as any).caller;
  const forRoot = sessionToken(ctx, rootCaller, 7200);
  assert.equal(forRoot.Expiration.getTime() - ctx.clock.now().getTime(), 3600_000);
  assert.equal((resolve(forRoot.AccessKeyId, forRoot.SessionToken) as any).caller.arn, `arn:aws:iam::${ACCOUNT}:root`);
  assert.throws(() => sessionToken(ctx, resolved.caller), { code: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials' });
});
