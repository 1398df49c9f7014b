// Condition operators, one case a line: [operator, policy values, request value (undefined = key absent,
// a list = multivalued key), whether the condition holds]. Rows follow the examples of "IAM JSON policy
// elements: Condition operators" and "Multivalued context keys".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy } from './compile.js';
import { evaluate } from './evaluate.js';

type Row = [operator: string, values: unknown, request: string | string[] | undefined, holds: boolean];

function holds(operator: string, key: string, values: unknown, request: string | string[] | undefined, extra: Record<string, string> = {}): boolean {
  const policy = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*', Condition: { [operator]: { [key]: values } } }] }), 'identity');
  const context = { ...extra, ...(request === undefined ? {} : { [key]: request }) };
  const result = evaluate({ principal: { arn: 'arn:aws:iam::111111111111:user/bob', accountId: '111111111111' }, identityPolicies: [policy] }, { action: 'ecs:RunTask', resource: '*', context });
  return result.decision === 'Allow';
}

function table(key: string, rows: Row[], extra?: Record<string, string>) {
  for (const [operator, values, request, expected] of rows) {
    test(`${operator} ${key} ${JSON.stringify(values)} vs ${JSON.stringify(request)} -> ${expected}`, () => {
      assert.equal(holds(operator, key, values, request, extra), expected);
    });
  }
}

table('aws:PrincipalTag/job-category', [
  ['StringEquals', 'iamuser-admin', 'iamuser-admin', true],
  ['StringEquals', 'iamuser-admin', 'IAMUSER-ADMIN', false],
  ['StringEquals', ['a', 'iamuser-admin'], 'iamuser-admin', true],
  ['StringEquals', 'iamuser-admin', undefined, false],
  ['StringEquals', 'iamuser-admin', '', false],
  ['StringNotEquals', 'iamuser-admin', 'other', true],
  ['StringNotEquals', 'iamuser-admin', 'iamuser-admin', false],
  ['StringNotEquals', ['a', 'b'], 'b', false],
  ['StringNotEquals', 'iamuser-admin', undefined, true],
  ['StringEqualsIgnoreCase', 'IAMUser-Admin', 'iamuser-admin', true],
  ['StringEqualsIgnoreCase', 'IAMUser-Admin', 'iamuser-admins', false],
  ['StringEqualsIgnoreCase', 'x', undefined, false],
  ['StringNotEqualsIgnoreCase', 'IAMUser-Admin', 'iamuser-admin', false],
  ['StringNotEqualsIgnoreCase', 'IAMUser-Admin', 'other', true],
  ['StringNotEqualsIgnoreCase', 'x', undefined, true],
  ['StringLike', 'iamuser-*', 'iamuser-admin', true],
  ['StringLike', 'iamuser-*', 'IAMUSER-admin', false],
  ['StringLike', 'iamuser-?dmin', 'iamuser-admin', true],
  ['StringLike', 'iamuser-?dmin', 'iamuser-aadmin', false],
  ['StringLike', '*', '', true],
  ['StringLike', 'a*b*c', 'a-x-b-y-c', true],
  ['StringLike', 'a*b*c', 'a-x-c', false],
  ['StringLike', 'a.c', 'abc', false],
  ['StringLike', '(x)+', '(x)+', true],
  ['StringLike', 'iamuser-*', undefined, false],
  ['StringNotLike', 'iamuser-*', 'iamuser-admin', false],
  ['StringNotLike', 'iamuser-*', 'other', true],
  ['StringNotLike', 'iamuser-*', undefined, true],
  ['StringEqualsIfExists', 'a', undefined, true],
  ['StringEqualsIfExists', 'a', 'a', true],
  ['StringEqualsIfExists', 'a', 'b', false],
  ['StringNotEqualsIfExists', 'a', undefined, true],
  ['StringNotEqualsIfExists', 'a', 'a', false],
  ['StringLikeIfExists', 'a*', undefined, true],
  ['StringLikeIfExists', 'a*', 'b', false],
  ['StringNotLikeIfExists', 'a*', 'abc', false],
  ['stringequals', 'a', 'a', true],
]);

// Condition keys are case-insensitive; the tag key after the slash is not.
test('condition key names match case-insensitively, tag keys case-sensitively', () => {
  assert.equal(holds('StringEquals', 'AWS:PRINCIPALTAG/team', 'x', undefined, { 'aws:principaltag/team': 'x' }), true);
  assert.equal(holds('StringEquals', 'aws:PrincipalTag/team', 'x', undefined, { 'aws:PrincipalTag/Team': 'x' }), false);
  assert.equal(holds('StringEquals', 'ECS:Cluster', 'c', undefined, { 'ecs:cluster': 'c' }), true);
});

table('aws:MultiFactorAuthAge', [
  ['NumericEquals', '3600', '3600', true],
  ['NumericEquals', 3600, '3600', true],
  ['NumericEquals', '3600', '3600.0', true],
  ['NumericEquals', '3600', '3601', false],
  ['NumericNotEquals', '3600', '3601', true],
  ['NumericNotEquals', '3600', '3600', false],
  ['NumericNotEquals', '3600', undefined, true],
  ['NumericLessThan', '3600', '3599', true],
  ['NumericLessThan', '3600', '3600', false],
  ['NumericLessThanEquals', '3600', '3600', true],
  ['NumericLessThanEquals', '3600', '3601', false],
  ['NumericGreaterThan', '10', '11', true],
  ['NumericGreaterThan', '10', '10', false],
  ['NumericGreaterThan', '10', '9.5', false],
  ['NumericGreaterThanEquals', '10', '10', true],
  ['NumericGreaterThanEquals', '10', '-1', false],
  ['NumericLessThan', '3600', 'abc', false],
  ['NumericLessThan', '3600', undefined, false],
  ['NumericLessThanIfExists', '3600', undefined, true],
  ['NumericLessThanIfExists', '3600', '4000', false],
  ['NumericEquals', ['1', '2'], '2', true],
]);

table('aws:CurrentTime', [
  ['DateGreaterThan', '2020-04-01T00:00:00Z', '2020-06-30T00:00:00Z', true],
  ['DateGreaterThan', '2020-04-01T00:00:00Z', '2020-03-30T00:00:00Z', false],
  ['DateLessThan', '2020-06-30T00:00:00Z', '2020-04-01T12:00:00Z', true],
  ['DateLessThan', '2020-06-30T00:00:00Z', '2020-06-30T00:00:00Z', false],
  ['DateLessThanEquals', '2020-06-30T00:00:00Z', '2020-06-30T00:00:00Z', true],
  ['DateGreaterThanEquals', '2020-06-30', '2020-06-30T00:00:00Z', true],
  ['DateEquals', '2020-06-30T00:00:00Z', '2020-06-30T00:00:00.000Z', true],
  ['DateEquals', '2020-06-30T00:00:00Z', '2020-06-30T02:00:00+02:00', true],
  ['DateNotEquals', '2020-06-30T00:00:00Z', '2020-06-30T00:00:01Z', true],
  ['DateNotEquals', '2020-06-30T00:00:00Z', undefined, true],
  ['DateGreaterThan', '1593475200', '2020-06-30T00:00:01Z', true],
  ['DateEquals', '1593475200', '2020-06-30T00:00:00Z', true],
  ['DateLessThan', '2020-06-30T00:00:00Z', '1593475199', true],
  ['DateLessThan', '2020-06-30T00:00:00Z', 'not a date', false],
  ['DateLessThan', '2020-06-30T00:00:00Z', undefined, false],
  ['DateLessThanIfExists', '2020-06-30T00:00:00Z', undefined, true],
]);

table('aws:SecureTransport', [
  ['Bool', 'true', 'true', true],
  ['Bool', true, 'true', true],
  ['Bool', 'true', 'TRUE', true],
  ['Bool', 'true', 'false', false],
  ['Bool', 'false', 'false', true],
  ['Bool', 'false', undefined, false],
  ['BoolIfExists', 'false', undefined, true],
  ['BoolIfExists', 'false', 'true', false],
]);

table('aws:SourceIp', [
  ['IpAddress', '203.0.113.0/24', '203.0.113.7', true],
  ['IpAddress', '203.0.113.0/24', '203.0.114.7', false],
  ['IpAddress', '203.0.113.7', '203.0.113.7', true],
  ['IpAddress', '203.0.113.7/32', '203.0.113.8', false],
  ['IpAddress', '0.0.0.0/0', '198.51.100.1', true],
  ['IpAddress', ['10.0.0.0/8', '192.168.0.0/16'], '192.168.4.4', true],
  ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5678::1', true],
  ['IpAddress', '2001:DB8:1234:5678::/64', '2001:db8:1234:5679::1', false],
  ['IpAddress', '::/0', '::1', true],
  ['IpAddress', '2001:db8::/32', '203.0.113.7', false],
  ['IpAddress', '203.0.113.0/24', '2001:db8::1', false],
  ['IpAddress', '::ffff:203.0.113.0/120', '::ffff:203.0.113.9', true],
  ['IpAddress', '203.0.113.0/24', 'garbage', false],
  ['IpAddress', '203.0.113.0/24', undefined, false],
  ['NotIpAddress', '203.0.113.0/24', '198.51.100.1', true],
  ['NotIpAddress', '203.0.113.0/24', '203.0.113.1', false],
  ['NotIpAddress', '203.0.113.0/24', undefined, true],
  ['IpAddressIfExists', '203.0.113.0/24', undefined, true],
  ['NotIpAddressIfExists', '203.0.113.0/24', '203.0.113.1', false],
]);

table('aws:SourceArn', [
  ['ArnEquals', 'arn:aws:sns:us-east-1:123456789012:my-topic', 'arn:aws:sns:us-east-1:123456789012:my-topic', true],
  ['ArnEquals', 'arn:aws:sns:us-east-1:123456789012:my-topic', 'arn:aws:sns:us-east-1:123456789012:other', false],
  ['ArnLike', 'arn:aws:sns:*:123456789012:*', 'arn:aws:sns:eu-west-1:123456789012:t', true],
  ['ArnLike', 'arn:aws:sns:*:123456789012:*', 'arn:aws:sns:eu-west-1:999999999999:t', false],
  ['ArnLike', 'arn:aws:ecs:*:*:cluster/*', 'arn:aws:ecs:us-east-1:1:cluster/a', true],
  ['ArnLike', 'arn:aws:ecs:us-*:*:*', 'arn:aws:ecs:eu-west-1:1:cluster/a', false],
  // A wildcard stays within its segment: `us*1` may not run into the account.
  ['ArnLike', 'arn:aws:ecs:us*1:*:*', 'arn:aws:ecs:us-east-1:1:cluster/a', true],
  ['ArnLike', 'arn:aws:ecs:us*:cluster/a', 'arn:aws:ecs:us-east-1:1:cluster/a', false],
  ['ArnLike', 'arn:aws:ecs:*:*:task-definition/web:*', 'arn:aws:ecs:us-east-1:1:task-definition/web:12', true],
  ['ArnEquals', 'arn:aws:iam::*:role/r', 'arn:aws:iam::123456789012:role/r', true],
  ['ArnLike', 'arn:aws:iam::123456789012:role/*', 'arn:aws:iam::123456789012:ROLE/x', false],
  ['ArnNotEquals', 'arn:aws:sns:us-east-1:123456789012:my-topic', 'arn:aws:sns:us-east-1:123456789012:other', true],
  ['ArnNotLike', 'arn:aws:sns:*:123456789012:*', 'arn:aws:sns:eu-west-1:123456789012:t', false],
  ['ArnNotLike', 'arn:aws:sns:*:123456789012:*', undefined, true],
  ['ArnLike', 'arn:aws:sns:*:123456789012:*', undefined, false],
  ['ArnLikeIfExists', 'arn:aws:sns:*:123456789012:*', undefined, true],
  ['ArnLike', 'arn:aws:sns:*:123456789012:*', 'not-an-arn', false],
]);

table('s3:x-amz-server-side-encryption-customer-key-md5', [
  ['BinaryEquals', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', true],
  ['BinaryEquals', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', 'AAAA', false],
  ['BinaryEquals', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', undefined, false],
  ['BinaryEqualsIfExists', 'QmluYXJ5VmFsdWVJbkJhc2U2NA==', undefined, true],
]);

table('aws:TokenIssueTime', [
  ['Null', 'true', undefined, true],
  ['Null', 'true', '2020-01-01T00:00:00Z', false],
  ['Null', 'false', '2020-01-01T00:00:00Z', true],
  ['Null', 'false', undefined, false],
  ['Null', true, undefined, true],
  ['Null', 'false', [], false],
  ['Null', ['true', 'false'], undefined, true],
]);

// Set operators on multivalued keys ("Multivalued context keys"): ForAllValues is true for an absent or
// empty set, ForAnyValue false; a negated operator tests each value against all of the policy's values.
table('aws:TagKeys', [
  ['ForAllValues:StringEquals', ['environment', 'cost-center'], ['environment'], true],
  ['ForAllValues:StringEquals', ['environment', 'cost-center'], ['environment', 'cost-center'], true],
  ['ForAllValues:StringEquals', ['environment', 'cost-center'], ['environment', 'owner'], false],
  ['ForAllValues:StringEquals', ['environment', 'cost-center'], [], true],
  ['ForAllValues:StringEquals', ['environment', 'cost-center'], undefined, true],
  ['ForAllValues:StringEquals', ['environment'], 'environment', true],
  ['ForAllValues:StringLike', ['env*'], ['environment', 'env2'], true],
  ['ForAllValues:StringLike', ['env*'], ['environment', 'owner'], false],
  ['ForAllValues:StringNotEquals', ['owner'], ['environment', 'cost-center'], true],
  ['ForAllValues:StringNotEquals', ['owner'], ['environment', 'owner'], false],
  ['ForAnyValue:StringEquals', ['environment', 'cost-center'], ['environment', 'owner'], true],
  ['ForAnyValue:StringEquals', ['environment', 'cost-center'], ['owner'], false],
  ['ForAnyValue:StringEquals', ['environment', 'cost-center'], [], false],
  ['ForAnyValue:StringEquals', ['environment', 'cost-center'], undefined, false],
  ['ForAnyValue:StringNotEquals', ['owner'], ['owner', 'environment'], true],
  ['ForAnyValue:StringNotEquals', ['owner'], ['owner'], false],
  ['ForAnyValue:StringLike', ['cost-*'], ['cost-center'], true],
  ['ForAnyValue:StringEqualsIgnoreCase', ['ENVIRONMENT'], ['environment'], true],
  ['ForAllValues:StringEqualsIfExists', ['a'], undefined, true],
  ['ForAnyValue:StringEqualsIfExists', ['a'], undefined, true],
  ['ForAnyValue:StringEqualsIfExists', ['a'], ['b'], false],
  ['StringEquals', ['environment'], ['owner', 'environment'], true],
  ['StringNotEquals', ['environment'], ['owner', 'environment'], false],
  ['StringNotEquals', ['environment'], ['owner'], true],
]);

table('aws:SourceVpce', [
  ['ForAnyValue:IpAddress', '10.0.0.0/8', ['192.168.0.1', '10.1.1.1'], true],
  ['ForAllValues:IpAddress', '10.0.0.0/8', ['192.168.0.1', '10.1.1.1'], false],
  ['ForAnyValue:NumericLessThan', '5', ['7', '3'], true],
  ['ForAllValues:NumericLessThan', '5', ['7', '3'], false],
  ['ForAnyValue:ArnLike', 'arn:aws:iam::*:role/a*', ['arn:aws:iam::1:role/b', 'arn:aws:iam::1:role/abc'], true],
]);

// Policy variables in condition values: substituted from the request, literal once substituted.
table('s3:prefix', [
  ['StringLike', 'home/${aws:username}/*', 'home/bob/notes', true],
  ['StringLike', 'home/${aws:username}/*', 'home/alice/notes', false],
  ['StringEquals', '${aws:username}', 'bob', true],
  ['StringEquals', 'x${*}y', 'x*y', true],
  ['StringLike', 'x${*}y', 'xay', false],
  ['StringLike', 'x${*}y', 'x*y', true],
  ['StringEquals', 'a${?}${$}', 'a?$', true],
  ['StringEquals', '${aws:PrincipalTag/team}', 'blue', true],
  ['StringEquals', '${aws:PrincipalTag/Team}', 'blue', false],
  ['StringEquals', "${aws:PrincipalTag/missing, 'none'}", 'none', true],
  ['StringEquals', '${aws:PrincipalTag/missing}', '', false],
  // A variable without a value makes the statement not match, under a negated operator too.
  ['StringNotEquals', '${aws:PrincipalTag/missing}', 'x', false],
  ['StringNotLike', 'home/${aws:PrincipalTag/missing}/*', 'x', false],
  ['StringLike', ['home/${aws:PrincipalTag/missing}/*', 'x'], 'x', true],
  ['StringEqualsIgnoreCase', '${AWS:USERNAME}', 'BOB', true],
  ['ArnLike', 'arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::1:user/bob', true],
], { 'aws:username': 'bob', 'aws:PrincipalTag/team': 'blue' });

test('in a 2008-10-17 policy ${...} is literal text', () => {
  const policy = compilePolicy(JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:RunTask', Resource: '*', Condition: { StringEquals: { 'aws:username': '${aws:username}' } } }] }), 'identity');
  const run = (username: string) => evaluate({ principal: { arn: 'arn:aws:iam::1:user/bob', accountId: '1' }, identityPolicies: [policy] }, { action: 'ecs:RunTask', resource: '*', context: { 'aws:username': username } }).decision;
  assert.equal(run('bob'), 'ImplicitDeny');
  assert.equal(run('${aws:username}'), 'Allow');
});

test('several keys and several operators are ANDed', () => {
  const policy = compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Condition: { StringEquals: { 'ecs:cluster': 'c', 'aws:username': 'bob' }, Bool: { 'aws:SecureTransport': 'true' } } }] }), 'identity');
  const run = (context: Record<string, string>) => evaluate({ principal: { arn: 'arn:aws:iam::1:user/bob', accountId: '1' }, identityPolicies: [policy] }, { action: 'ecs:RunTask', resource: '*', context }).decision;
  assert.equal(run({ 'ecs:cluster': 'c', 'aws:username': 'bob', 'aws:SecureTransport': 'true' }), 'Allow');
  assert.equal(run({ 'ecs:cluster': 'c', 'aws:username': 'bob', 'aws:SecureTransport': 'false' }), 'ImplicitDeny');
  assert.equal(run({ 'ecs:cluster': 'c', 'aws:SecureTransport': 'true' }), 'ImplicitDeny');
});
