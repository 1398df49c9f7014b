// Validation as IAM does it, one case a line: [what, kind, document (text or object), IAM's message or
// undefined when the document is accepted].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedPolicyDocument } from '../iam-errors.js';
import { compilePolicy, policySize, type PolicyKind } from './compile.js';

const V = '2012-10-17';
const allow = { Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' };
const trust = { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' };
const doc = (...Statement: object[]) => ({ Version: V, Statement });

const SYNTAX = 'Syntax errors in policy.';
const cases: [string, PolicyKind, unknown, string | undefined][] = [
  ['a plain identity policy', 'identity', doc(allow), undefined],
  ['a single statement object', 'identity', { Version: V, Statement: allow }, undefined],
  ['no Version', 'identity', { Statement: [allow] }, undefined],
  ['version 2008-10-17', 'identity', { Version: '2008-10-17', Statement: [allow] }, undefined],
  ['an Id', 'identity', { Version: V, Id: 'x', Statement: [allow] }, undefined],
  ['invalid JSON', 'identity', '{"Version": "2012-10-17", "Statement": [', SYNTAX],
  ['JSON that is not an object', 'identity', '[]', SYNTAX],
  ['null', 'identity', 'null', SYNTAX],
  ['an unknown Version', 'identity', { Version: '2012-10-18', Statement: [allow] }, SYNTAX],
  ['a numeric Version', 'identity', { Version: 2012, Statement: [allow] }, SYNTAX],
  ['no Statement', 'identity', { Version: V }, SYNTAX],
  ['an unknown top-level field', 'identity', { Version: V, Statement: [allow], Condition: {} }, SYNTAX],
  ['an unknown statement field', 'identity', doc({ ...allow, Effects: 'Allow' }), SYNTAX],
  ['a statement that is a string', 'identity', doc('x' as unknown as object), SYNTAX],
  ['a lower-case effect', 'identity', doc({ ...allow, Effect: 'allow' }), SYNTAX],
  ['a lower-case effect, legacy', 'identity', { Statement: [{ ...allow, Effect: 'allow' }] }, 'The policy failed legacy parsing'],
  ['no Effect', 'identity', doc({ Action: 'ecs:*', Resource: '*' }), SYNTAX],
  ['Action and NotAction', 'identity', doc({ ...allow, NotAction: 'iam:*' }), SYNTAX],
  ['no Action', 'identity', doc({ Effect: 'Allow', Resource: '*' }), 'Policy statement must contain actions.'],
  ['an empty Action list', 'identity', doc({ ...allow, Action: [] }), 'Policy statement must contain actions.'],
  ['a numeric Action', 'identity', doc({ ...allow, Action: 5 }), SYNTAX],
  ['an action without vendor', 'identity', doc({ ...allow, Action: 'ListClusters' }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['an action with two colons', 'identity', doc({ ...allow, Action: 'ecs:List:Clusters' }), 'Actions/Condition can contain only one colon.'],
  ['Action *', 'identity', doc({ ...allow, Action: '*' }), undefined],
  ['NotAction', 'identity', doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), undefined],
  ['Resource and NotResource', 'identity', doc({ ...allow, NotResource: '*' }), SYNTAX],
  ['no Resource', 'identity', doc({ Effect: 'Allow', Action: 'ecs:*' }), 'Policy statement must contain resources.'],
  ['a Resource that is not an ARN', 'identity', doc({ ...allow, Resource: 'my-cluster' }), 'Resource my-cluster must be in ARN format or "*".'],
  ['NotResource', 'identity', doc({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }), undefined],
  ['a Principal in an identity policy', 'identity', doc({ ...allow, Principal: '*' }), 'Policy document should not specify a principal.'],
  ['a NotPrincipal in a boundary', 'boundary', doc({ ...allow, NotPrincipal: { AWS: '123456789012' } }), 'Policy document should not specify a principal.'],
  ['a Principal in a session policy', 'session', doc({ ...allow, Principal: { AWS: '*' } }), 'Policy document should not specify a principal.'],
  ['duplicate Sids', 'identity', doc({ ...allow, Sid: 'A' }, { ...allow, Sid: 'A' }), 'Statement IDs (SID) in a single policy must be unique.'],
  ['distinct Sids', 'identity', doc({ ...allow, Sid: 'A' }, { ...allow, Sid: 'B' }), undefined],
  ['a Sid with spaces', 'identity', doc({ ...allow, Sid: 'my sid' }), 'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*'],
  ['a Sid with spaces in a resource policy', 'resource', doc({ ...allow, Sid: 'my sid', Principal: '*' }), undefined],
  ['an unknown condition operator', 'identity', doc({ ...allow, Condition: { StringEqualz: { 'aws:username': 'a' } } }), SYNTAX],
  ['NullIfExists', 'identity', doc({ ...allow, Condition: { NullIfExists: { 'aws:username': 'true' } } }), SYNTAX],
  ['a condition key without vendor', 'identity', doc({ ...allow, Condition: { StringEquals: { username: 'a' } } }), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.'],
  ['a condition block that is a list', 'identity', doc({ ...allow, Condition: [] }), SYNTAX],
  ['a condition value that is an object', 'identity', doc({ ...allow, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }), SYNTAX],
  ['ForAnyValue:StringLike', 'identity', doc({ ...allow, Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['a*'] } } }), undefined],
  ['ForAllValues:NumericLessThanIfExists', 'identity', doc({ ...allow, Condition: { 'ForAllValues:NumericLessThanIfExists': { 'ec2:x': 1 } } }), undefined],
  ['a trust policy', 'trust', doc(trust), undefined],
  ['a trust policy without Principal', 'trust', doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'Missing required field Principal'],
  ['a trust policy with Resource', 'trust', doc({ ...trust, Resource: '*' }), 'Has prohibited field Resource'],
  ['a trust policy with a non-STS action', 'trust', doc({ ...trust, Action: 'ecs:RunTask' }), 'AssumeRole policy may only specify STS AssumeRole actions.'],
  ['a trust policy with sts:TagSession', 'trust', doc({ ...trust, Action: ['sts:AssumeRole', 'sts:TagSession'] }), undefined],
  ['a trust policy naming an account', 'trust', doc({ ...trust, Principal: { AWS: '123456789012' } }), undefined],
  ['a trust policy naming a root ARN', 'trust', doc({ ...trust, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }), undefined],
  ['a trust policy naming something else', 'trust', doc({ ...trust, Principal: { AWS: 'bob' } }), 'Invalid principal in policy: "AWS":"bob"'],
  ['an unknown principal type', 'trust', doc({ ...trust, Principal: { Person: 'bob' } }), SYNTAX],
  ['a resource policy without Principal', 'resource', doc(allow), 'Missing required field Principal'],
  ['a resource policy with Principal *', 'resource', doc({ ...allow, Principal: '*' }), undefined],
  ['Principal and NotPrincipal', 'resource', doc({ ...allow, Principal: '*', NotPrincipal: '*' }), SYNTAX],
];

for (const [what, kind, document, message] of cases) {
  test(`${kind} policy: ${what} -> ${message ?? 'accepted'}`, () => {
    const text = typeof document === 'string' ? document : JSON.stringify(document);
    if (message === undefined) {
      assert.doesNotThrow(() => compilePolicy(text, kind));
      return;
    }
    assert.throws(
      () => compilePolicy(text, kind),
      (e: unknown) => e instanceof MalformedPolicyDocument && e.code === 'MalformedPolicyDocument' && e.message === message,
    );
  });
}

test('policySize counts characters other than whitespace', () => {
  assert.equal(policySize('{ "a" :\n\t"b c" }'), 10);
  assert.equal(policySize(''), 0);
});
