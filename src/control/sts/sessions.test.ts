import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fixture } from '../ecs/fixtures.js';
import { resolveCredentials } from '../iam/credentials.js';
import { assumeRole, type RoleSessionRequest } from './sessions.js';
import { allow, putRole, putUser, ROOT_KEY, trust } from './sts-fixtures.js';

const ACCOUNT = '123456789012';
const ACCOUNT_ROOT = `arn:aws:iam::${ACCOUNT}:root`;

async function world() {
  const f = await fixture();
  const alice = await putUser(f.ctx, 'alice');
  const bob = await putUser(f.ctx, 'bob', { assume: allow('sts:AssumeRole') });
  const session = (request: RoleSessionRequest) => {
    const { credentials } = assumeRole(f.ctx, request);
    const resolved = resolveCredentials(f.ctx, ROOT_KEY, credentials.AccessKeyId, credentials.SessionToken);
    assert.ok(resolved && 'caller' in resolved);
    return resolved.caller;
  };
  return { ...f, alice, bob, session };
}

const refused = (fn: () => unknown, code: string, message?: string | RegExp) =>
  assert.throws(fn, (error: any) => {
    assert.equal(error.code, code, error.message);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  });

test('a trust policy that names the caller suffices; one that names the account needs the caller\'s own allow', async () => {
  const { ctx, alice, bob } = await world();
  const named = await putRole(ctx, 'named', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole' }));
  const delegated = await putRole(ctx, 'delegated', trust({ Effect: 'Allow', Principal: { AWS: ACCOUNT_ROOT }, Action: 'sts:AssumeRole' }));

  const result = assumeRole(ctx, { roleArn: named.Arn, sessionName: 'one', caller: alice.caller });
  assert.equal(result.assumedRoleArn, `arn:aws:sts::${ACCOUNT}:assumed-role/named/one`);
  assert.equal(result.assumedRoleId, `${named.RoleId}:one`);
  assert.equal(result.credentials.Expiration.getTime() - ctx.clock.now().getTime(), 3600_000);
  assert.equal(result.packedPolicySize, undefined);

  refused(() => assumeRole(ctx, { roleArn: delegated.Arn, sessionName: 'one', caller: alice.caller }), 'AccessDenied',
    `User: ${alice.user.Arn} is not authorized to perform: sts:AssumeRole on resource: ${delegated.Arn}`);
  assert.ok(assumeRole(ctx, { roleArn: delegated.Arn, sessionName: 'one', caller: bob.caller }));
  // An identity allow is not enough when the trust policy does not name the caller, nor its account.
  refused(() => assumeRole(ctx, { roleArn: named.Arn, sessionName: 'one', caller: bob.caller }), 'AccessDenied', /^User: .*user\/bob is not authorized to perform: sts:AssumeRole/);
});

test('unknown roles, roles of other accounts and root are refused; a role ARN carries its path', async () => {
  const { ctx, alice } = await world();
  const deep = await putRole(ctx, 'deep', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole' }), { Path: '/team/' });
  assert.equal(assumeRole(ctx, { roleArn: deep.Arn, sessionName: 's', caller: alice.caller }).assumedRoleArn, `arn:aws:sts::${ACCOUNT}:assumed-role/deep/s`);
  for (const roleArn of [`arn:aws:iam::${ACCOUNT}:role/deep`, `arn:aws:iam::${ACCOUNT}:role/missing`, 'arn:aws:iam::999999999999:role/team/deep'])
    refused(() => assumeRole(ctx, { roleArn, sessionName: 's', caller: alice.caller }), 'AccessDenied', `User: ${alice.user.Arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const root = { accessKeyId: ROOT_KEY.accessKeyId, accountId: ACCOUNT, arn: ACCOUNT_ROOT, type: 'root' as const };
  refused(() => assumeRole(ctx, { roleArn: deep.Arn, sessionName: 's', caller: root }), 'AccessDenied', 'Roles may not be assumed by root accounts.');
  refused(() => assumeRole(ctx, { roleArn: 'not-an-arn-at-all-really', sessionName: 's', caller: alice.caller }), 'ValidationError');
});

test('ExternalId is the sts:ExternalId condition key', async () => {
  const { ctx, alice } = await world();
  const role = await putRole(
    ctx,
    'vendor',
    trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'Unique-1234' } } }),
  );
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller }), 'AccessDenied');
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, externalId: 'other' }), 'AccessDenied');
  assert.ok(assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, externalId: 'Unique-1234' }));
});

test('durations: up to the role\'s maximum, and one hour when chaining roles', async () => {
  const { ctx, alice, session } = await world();
  const role = await putRole(ctx, 'long', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole' }), { MaxSessionDuration: 7200 });
  const next = await putRole(ctx, 'next', trust({ Effect: 'Allow', Principal: { AWS: role.Arn }, Action: 'sts:AssumeRole' }), { MaxSessionDuration: 43200 });
  const two = assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, durationSeconds: 7200 });
  assert.equal(two.credentials.Expiration.getTime() - ctx.clock.now().getTime(), 7200_000);
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, durationSeconds: 7201 }), 'ValidationError',
    'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const first = session({ roleArn: role.Arn, sessionName: 's', caller: alice.caller });
  // The trust policy names the role: its sessions may assume the next one, for an hour at most.
  assert.ok(assumeRole(ctx, { roleArn: next.Arn, sessionName: 'chained', caller: first, durationSeconds: 3600 }));
  refused(() => assumeRole(ctx, { roleArn: next.Arn, sessionName: 'chained', caller: first, durationSeconds: 3601 }), 'ValidationError',
    'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
});

test('session policies must be well formed and fit the packed space; the session carries them', async () => {
  const { ctx, alice, session } = await world();
  const role = await putRole(ctx, 'scoped', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }));
  const policy = allow('ecs:List*');
  const result = assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, policy });
  assert.ok(result.packedPolicySize! > 0 && result.packedPolicySize! <= 100);
  assert.equal(session({ roleArn: role.Arn, sessionName: 's', caller: alice.caller, policy }).session?.policy, policy);
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, policy: '{"Statement":' }), 'MalformedPolicyDocument');
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, policyArns: [`arn:aws:iam::${ACCOUNT}:policy/none`] }), 'MalformedPolicyDocument');
  // Tags that do not compress: past the packed space.
  const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, createHash('sha512').update(String(i)).digest('base64').repeat(3)]));
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, tags }), 'PackedPolicyTooLarge', /^Packed policy consumes \d+% of allotted space/);
});

test('session tags need sts:TagSession; transitive ones pass on when chaining', async () => {
  const { ctx, alice, session } = await world();
  const plain = await putRole(ctx, 'plain', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole' }));
  refused(() => assumeRole(ctx, { roleArn: plain.Arn, sessionName: 's', caller: alice.caller, tags: { team: 'a' } }), 'AccessDenied',
    `User: ${alice.user.Arn} is not authorized to perform: sts:TagSession on resource: ${plain.Arn}`);

  const tagged = await putRole(ctx, 'tagged', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }));
  const next = await putRole(ctx, 'next', trust({ Effect: 'Allow', Principal: { AWS: tagged.Arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } }));
  refused(() => assumeRole(ctx, { roleArn: tagged.Arn, sessionName: 's', caller: alice.caller, tags: { team: 'a' }, transitiveTagKeys: ['cost'] }), 'ValidationError');
  refused(() => assumeRole(ctx, { roleArn: tagged.Arn, sessionName: 's', caller: alice.caller, tags: { team: 'a', TEAM: 'b' } }), 'ValidationError');
  const first = session({ roleArn: tagged.Arn, sessionName: 's', caller: alice.caller, tags: { team: 'a', cost: '7' }, transitiveTagKeys: ['team'] });
  assert.deepEqual(first.session?.tags, { team: 'a', cost: '7' });
  const chained = session({ roleArn: next.Arn, sessionName: 'n', caller: first });
  assert.deepEqual(chained.session?.tags, { team: 'a' });
  assert.deepEqual(chained.session?.transitiveTagKeys, ['team']);
});

test('source identity needs sts:SetSourceIdentity and stays with the chain', async () => {
  const { ctx, alice, session } = await world();
  const plain = await putRole(ctx, 'plain', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: 'sts:AssumeRole' }));
  refused(() => assumeRole(ctx, { roleArn: plain.Arn, sessionName: 's', caller: alice.caller, sourceIdentity: 'alice' }), 'AccessDenied', /sts:SetSourceIdentity/);
  const role = await putRole(ctx, 'audited', trust({ Effect: 'Allow', Principal: { AWS: alice.user.Arn }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }));
  const next = await putRole(ctx, 'next', trust({ Effect: 'Allow', Principal: { AWS: role.Arn }, Action: 'sts:AssumeRole' }));
  assert.equal(assumeRole(ctx, { roleArn: role.Arn, sessionName: 's', caller: alice.caller, sourceIdentity: 'alice' }).sourceIdentity, 'alice');
  const first = session({ roleArn: role.Arn, sessionName: 's', caller: alice.caller, sourceIdentity: 'alice' });
  assert.equal(assumeRole(ctx, { roleArn: next.Arn, sessionName: 'n', caller: first }).sourceIdentity, 'alice');
});

test('a service principal assumes a role whose trust policy names the service', async () => {
  const { ctx } = await world();
  const role = await putRole(ctx, 'task', trust({ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }));
  assert.ok(assumeRole(ctx, { roleArn: role.Arn, sessionName: 't', servicePrincipal: 'ecs-tasks.amazonaws.com' }));
  refused(() => assumeRole(ctx, { roleArn: role.Arn, sessionName: 't', servicePrincipal: 'ec2.amazonaws.com' }), 'AccessDenied',
    `User: ec2.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: ${role.Arn}`);
});
