// The examples of AWS's event pattern documentation (event patterns, arrays, null and empty values,
// content filtering, comparison operators, wildcards, $or), each as pattern -> event -> matches or not;
// then what EventBridge refuses and why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileEventPattern, EventPatternError, EventPatternIndex } from './event-pattern.js';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};
const withDetail = (detail: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ ...ec2Event, ...top, detail });
const matches = (pattern: unknown, event: unknown) => compileEventPattern(JSON.stringify(pattern)).matches(event);

type Example = [name: string, pattern: unknown, event: unknown, expected: boolean];

const examples: Example[] = [
  // Event patterns: field names and nesting, values as arrays.
  ['source, detail-type and a detail field', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2Event, true],
  ['a field the event lacks', { source: ['aws.ec2'], detail: { 'instance-type': ['t2.micro'] } }, ec2Event, false],
  ['one of several values (EC2 or Fargate)', { source: ['aws.ec2', 'aws.fargate'] }, ec2Event, true],
  ['none of several values', { source: ['aws.s3', 'aws.fargate'] }, ec2Event, false],
  ['matching is case sensitive', { detail: { state: ['Terminated'] } }, ec2Event, false],
  ['same field name, other nesting', { state: ['terminated'] }, ec2Event, false],
  // Arrays: the pattern's values and the event's array intersect.
  [
    'resources: one of the pattern values is in the event array',
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    { ...ec2Event, resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    true,
  ],
  [
    'resources: the pattern value is one of the event array',
    { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    { ...ec2Event, resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f', 'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    true,
  ],
  ['resources: no common value', { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-0'] }, ec2Event, false],
  ['objects in an array: all fields from the same element', { detail: { items: { name: ['a'], size: [2] } } }, withDetail({ items: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] }), false],
  ['objects in an array: one element matches', { detail: { items: { name: ['b'], size: [2] } } }, withDetail({ items: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] }), true],
  ['nested arrays', { detail: { grid: [3] } }, withDetail({ grid: [[1, 2], [3]] }), true],
  // Null values and empty strings.
  ['an empty string', { detail: { eventVersion: [''] } }, withDetail({ eventVersion: '', responseElements: null }), true],
  ['null', { detail: { responseElements: [null] } }, withDetail({ eventVersion: '', responseElements: null }), true],
  ['an empty string does not match null', { detail: { responseElements: [''] } }, withDetail({ eventVersion: '', responseElements: null }), false],
  ['null does not match an empty string', { detail: { eventVersion: [null] } }, withDetail({ eventVersion: '', responseElements: null }), false],
  // Prefix and suffix, with and without case.
  ['prefix', { time: [{ prefix: '2017-12-22' }] }, ec2Event, true],
  ['prefix: other', { time: [{ prefix: '2017-10-02' }] }, ec2Event, false],
  ['prefix: Auto Scaling events from European regions', { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, { ...ec2Event, source: 'aws.autoscaling', region: 'eu-west-1' }, true],
  ['prefix: Auto Scaling events from elsewhere', { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] }, { ...ec2Event, source: 'aws.autoscaling' }, false],
  ['prefix ignoring case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, withDetail({ service: 'eventbridge' }), true],
  ['prefix ignoring case: EVENTB', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, withDetail({ service: 'EVENTBRIDGE' }), true],
  ['prefix is for strings', { detail: { count: [{ prefix: '1' }] } }, withDetail({ count: 12 }), false],
  ['suffix', { FileName: [{ suffix: '.png' }] }, { ...ec2Event, FileName: 'image.png' }, true],
  ['suffix: other', { FileName: [{ suffix: '.png' }] }, { ...ec2Event, FileName: 'image.PNG' }, false],
  ['suffix ignoring case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, withDetail({ FileName: 'image.PNG' }), true],
  // Anything-but.
  ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event, true],
  ['anything-but a string: that string', { detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2Event, false],
  ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 124 }), true],
  ['anything-but a number: that number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, withDetail({ 'x-limit': 123.0 }), false],
  ['anything-but strings', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, withDetail({ state: 'running' }), true],
  ['anything-but strings: one of them', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, withDetail({ state: 'overloaded' }), false],
  ['anything-but numbers', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 301 }), true],
  ['anything-but numbers: one of them', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, withDetail({ 'x-limit': 300 }), false],
  ['anything-but is about values: an absent field does not match', { detail: { state: [{ 'anything-but': 'initializing' }] } }, withDetail({}), false],
  ['anything-but a prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event, true],
  ['anything-but a prefix: it has it', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, withDetail({ state: 'initializing' }), false],
  ['anything-but prefixes', { detail: { state: [{ 'anything-but': { prefix: ['init', 'term'] } }] } }, ec2Event, false],
  ['anything-but a suffix', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, withDetail({ FileName: 'notes.md' }), true],
  ['anything-but a suffix: it has it', { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, withDetail({ FileName: 'notes.txt' }), false],
  ['anything-but ignoring case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, withDetail({ state: 'INITIALIZING' }), false],
  ['anything-but ignoring case: other', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } }, withDetail({ state: 'running' }), true],
  ['anything-but ignoring case, a list', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } }, withDetail({ state: 'Stopped' }), false],
  ['anything-but a wildcard', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/bin/ls' }), true],
  ['anything-but a wildcard: it matches', { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } }, withDetail({ FilePath: '/usr/lib/libc.so' }), false],
  ['anything-but wildcards', { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } }, withDetail({ FilePath: '/usr/bin/ls' }), false],
  // Numeric.
  [
    'numeric ranges and equality',
    { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    withDetail({ 'c-count': 5, 'd-count': 7, 'x-limit': 301.8 }),
    true,
  ],
  ['numeric: out of range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 6 }), false],
  ['numeric: the open end', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, withDetail({ 'c-count': 0 }), false],
  ['numeric: >= and <', { detail: { n: [{ numeric: ['>=', 0, '<', 1] }] } }, withDetail({ n: 0 }), true],
  ['numeric: a string is not a number', { detail: { 'd-count': [{ numeric: ['<', 10] }] } }, withDetail({ 'd-count': '7' }), false],
  ['a number value matches numerically', { detail: { 'x-limit': [300] } }, withDetail({ 'x-limit': 3.0e2 }), true],
  ['a number value does not match its string', { detail: { 'x-limit': [300] } }, withDetail({ 'x-limit': '300' }), false],
  // IP addresses.
  ['cidr', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.0.255' }), true],
  ['cidr: outside', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: '10.0.1.0' }), false],
  ['cidr IPv6', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } }, withDetail({ sourceIPAddress: '2001:db8::1' }), true],
  ['cidr IPv6: outside', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/64' }] } }, withDetail({ sourceIPAddress: '2001:db8:0:1::1' }), false],
  ['an exact IP address matches however it is written', { detail: { sourceIPAddress: ['2001:db8::1'] } }, withDetail({ sourceIPAddress: '2001:DB8:0:0::1' }), true],
  ['an exact IP address: another address', { detail: { sourceIPAddress: ['10.0.0.1'] } }, withDetail({ sourceIPAddress: '10.0.0.2' }), false],
  ['cidr: not an address', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, withDetail({ sourceIPAddress: 'example.com' }), false],
  // Exists.
  ['exists', { detail: { state: [{ exists: true }] } }, ec2Event, true],
  ['exists: absent', { detail: { state: [{ exists: true }] } }, withDetail({}), false],
  ['exists false', { detail: { state: [{ exists: false }] } }, withDetail({}), true],
  ['exists false: present', { detail: { state: [{ exists: false }] } }, ec2Event, false],
  ['exists false when the whole branch is absent', { detail: { nested: { state: [{ exists: false }] } } }, withDetail({}), true],
  ['exists is about leaves: an object is no value', { detail: { state: [{ exists: true }] } }, withDetail({ state: { name: 'running' } }), false],
  ['exists false: an object is no value', { detail: { state: [{ exists: false }] } }, withDetail({ state: { name: 'running' } }), true],
  ['exists: null is a value', { detail: { responseElements: [{ exists: true }] } }, withDetail({ responseElements: null }), true],
  ['exists: an empty array has no value', { detail: { list: [{ exists: false }] } }, withDetail({ list: [] }), true],
  // Equals-ignore-case.
  ['equals-ignore-case', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2Event, true],
  ['equals-ignore-case: other', { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state change' }] }, ec2Event, false],
  // Wildcards.
  ['wildcard', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { ...ec2Event, EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }, true],
  ['wildcard: other region', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { ...ec2Event, EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }, false],
  ['wildcard: several stars', { EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] }, { ...ec2Event, EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }, true],
  ['wildcard: in the middle', { detail: { path: [{ wildcard: 'dir/*.png' }] } }, withDetail({ path: 'dir/a/b.png' }), true],
  ['wildcard: an escaped star', { detail: { name: [{ wildcard: 'a\\*b' }] } }, withDetail({ name: 'a*b' }), true],
  ['wildcard: an escaped star is not a wildcard', { detail: { name: [{ wildcard: 'a\\*b' }] } }, withDetail({ name: 'axb' }), false],
  ['wildcard: regex characters are literal', { detail: { name: [{ wildcard: 'a.c*' }] } }, withDetail({ name: 'abcd' }), false],
  // Several filters on one event (the documentation's complex example).
  [
    'prefix, anything-but and numeric together',
    { time: [{ prefix: '2017-12-22' }], detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    withDetail({ state: 'running', 'c-count': 3, 'd-count': 9, 'x-limit': 301.8 }),
    true,
  ],
  // $or.
  [
    '$or in detail: one branch',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } },
    withDetail({ 'x-limit': 301.8 }),
    true,
  ],
  [
    '$or in detail: no branch',
    { detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }] } },
    withDetail({ 'c-count': 6, 'd-count': 10 }),
    false,
  ],
  ['$or at the top with source', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] }, { ...ec2Event, source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
  ['$or at the top: source differs', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] }, { ...ec2Event, namespace: 'AWS/ES' }, false],
  [
    'nested $or',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }] },
    { ...ec2Event, source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
    true,
  ],
  [
    'nested $or: the inner $or fails',
    { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] }] },
    { ...ec2Event, source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1001 },
    false,
  ],
  ['$or as a field name elsewhere in an object', { detail: { $or: [{ state: ['terminated'] }, { state: ['stopped'] }] } }, ec2Event, true],
];

describe('event patterns: the documentation examples', () => {
  for (const [name, pattern, event, expected] of examples) test(name, () => assert.equal(matches(pattern, event), expected));
});

const refusals: [pattern: string, reason: string][] = [
  ['[]', 'Filter is not an object'],
  ['"source"', 'Filter is not an object'],
  ['{}', 'Empty objects are not allowed'],
  ['{"source": "aws.ec2"}', '"source" must be an object or an array'],
  ['{"source": []}', 'Empty arrays are not allowed'],
  ['{"detail": {}}', 'Empty objects are not allowed'],
  ['{"source": [["aws.ec2"]]}', 'Match value must be String, number, true, false, or null'],
  ['{"source": [{"prefix": "a", "suffix": "b"}]}', 'Only one key allowed in match expression'],
  ['{"source": [{}]}', 'Match expression name not found'],
  ['{"source": [{"contains": "a"}]}', 'Unrecognized match type contains'],
  ['{"source": [{"prefix": 1}]}', 'prefix match pattern must be a string'],
  ['{"source": [{"prefix": {"wildcard": "a"}}]}', 'Unsupported prefix pattern: wildcard'],
  ['{"source": [{"suffix": {"equals-ignore-case": 1}}]}', 'equals-ignore-case match pattern must be a string'],
  ['{"source": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.'],
  ['{"n": [{"numeric": 5}]}', 'Value of numeric must be an array.'],
  ['{"n": [{"numeric": ["~", 5]}]}', 'Unrecognized numeric range operator: ~'],
  ['{"n": [{"numeric": [">", "5"]}]}', 'Value of > must be numeric'],
  ['{"n": [{"numeric": ["<", 5, ">", 1]}]}', 'Too many elements in numeric expression'],
  ['{"n": [{"numeric": [">", 5, ">", 1]}]}', 'Bad numeric range operator: >'],
  ['{"n": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top'],
  ['{"n": [{"numeric": [">", 0, "<", 5, "<", 6]}]}', 'Too many terms in numeric range expression'],
  ['{"ip": [{"cidr": "10.0.0.0/33"}]}', 'Nonstandard IP address: 10.0.0.0/33'],
  ['{"s": [{"anything-but": null}]}', 'Value of anything-but must be an array or single string/number value.'],
  ['{"s": [{"anything-but": ["a", 1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
  ['{"s": [{"anything-but": [true]}]}', 'Inside anything but list, start|null|boolean is not supported.'],
  ['{"s": [{"anything-but": {"exists": true}}]}', 'Unsupported anything-but pattern: exists'],
  ['{"s": [{"anything-but": {"prefix": ""}}]}', 'Null prefix/suffix not allowed'],
  ['{"s": [{"anything-but": {"equals-ignore-case": [1]}}]}', 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'],
  ['{"s": [{"wildcard": "a**b"}]}', 'Consecutive wildcard characters at pos 2'],
  ['{"s": [{"wildcard": "a\\\\b"}]}', 'Invalid escape character at pos 2'],
  ['{"s": [{"anything-but": {"wildcard": "**"}}]}', 'Consecutive wildcard characters at pos 1'],
  ['{"$or": [{"a": [1]}]}', 'There must have at least 2 Objects in $or relationship.'],
  ['{"$or": {"a": [1]}}', 'It must be an Array followed with $or.'],
  ['{"$or": [{"a": [1]}, 2]}', 'Only JSON object is allowed in array of $or relationship.'],
  ['{"$or": [{"a": [1]}, {"numeric": [1]}]}', 'numeric is Ruler reserved fieldName which cannot be used inside $or.'],
];

describe('event patterns: refusals with Event Ruler reasons', () => {
  for (const [pattern, reason] of refusals)
    test(pattern, () => assert.throws(() => compileEventPattern(pattern), (e: unknown) => e instanceof EventPatternError && e.message === reason));
  test('text that is not JSON', () => assert.throws(() => compileEventPattern('{"source": '), EventPatternError));
});

test('the index tests an event against the rules naming its source and those naming none', () => {
  const index = new EventPatternIndex<string>();
  index.add('ec2', compileEventPattern('{"source": ["aws.ec2"]}'));
  index.add('ec2-or-s3', compileEventPattern('{"source": ["aws.s3", "aws.ec2"], "detail": {"state": ["terminated"]}}'));
  index.add('s3', compileEventPattern('{"source": ["aws.s3"]}'));
  index.add('any', compileEventPattern('{"detail-type": [{"prefix": "EC2"}]}'));
  index.add('prefix-source', compileEventPattern('{"source": [{"prefix": "aws."}]}'));
  assert.deepEqual(index.match(ec2Event), ['ec2', 'ec2-or-s3', 'any', 'prefix-source']);
  assert.deepEqual(index.match({ ...ec2Event, source: 'my.app' }), ['any']);
  assert.equal(index.mayMatch('my.app'), true, 'a rule names no source');
  const named = new EventPatternIndex<string>();
  named.add('ec2', compileEventPattern('{"source": ["aws.ec2"]}'));
  assert.deepEqual([named.mayMatch('aws.ec2'), named.mayMatch('aws.ecs')], [true, false]);
});
