// The keys a policy reads: its Condition keys, normalised, and the keys its policy variables name,
// wherever they are; nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicy } from './compile.js';
import { referencedKeys } from './keys.js';

const keysOf = (...Statement: object[]) => [...referencedKeys(compilePolicy(JSON.stringify({ Version: '2012-10-17', Statement }), 'identity'))].sort();

test('a policy without conditions or variables reads no key', () => {
  assert.deepEqual(keysOf({ Effect: 'Allow', Action: 'ecs:*', Resource: 'arn:aws:ecs:*:*:cluster/*' }), []);
});

test('condition keys, under every operator and set operator, case-normalised (a tag key keeps its case)', () => {
  const Condition = {
    StringEquals: { 'aws:ResourceTag/Team': 'a', 'ecs:Cluster': 'b' },
    'ForAnyValue:StringLike': { 'aws:TagKeys': 'x*' },
    IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' },
  };
  assert.deepEqual(keysOf({ Effect: 'Allow', Action: 'ecs:*', Resource: '*', Condition }), ['aws:resourcetag/Team', 'aws:sourceip', 'aws:tagkeys', 'ecs:cluster']);
});

test('policy variables in resources and condition values, with or without a default', () => {
  const statement = {
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::home/${aws:username}/*',
    Condition: { StringEquals: { 'aws:ResourceTag/owner': "${aws:PrincipalTag/Owner, 'nobody'}" } },
  };
  assert.deepEqual(keysOf(statement), ['aws:principaltag/Owner', 'aws:resourcetag/owner', 'aws:username']);
});
