import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerInstanceRecord } from '../core/ecs.js';
import { AwsError } from '../core/errors.js';
import { compareValues, containerInstanceView, parseClusterQuery, type ContainerInstanceView } from './cluster-query.js';

function view(over: Partial<ContainerInstanceView> & { attrs?: Record<string, string | undefined>; groups?: string[] } = {}): ContainerInstanceView {
  const { attrs = {}, groups = [], ...rest } = over;
  return {
    ec2InstanceId: 'i-0abc',
    agentConnected: true,
    agentVersion: '1.80.0',
    registeredAt: Date.parse('2024-03-01T12:00:00Z'),
    runningTasksCount: 0,
    attributes: new Map(Object.entries(attrs)),
    taskGroups: new Set(groups),
    ...rest,
  };
}

const t2small = view({ ec2InstanceId: 'i-1', attrs: { 'ecs.instance-type': 't2.small', 'ecs.availability-zone': 'us-east-1a', stack: 'prod' } });
const g2large = view({ ec2InstanceId: 'i-2', attrs: { 'ecs.instance-type': 'g2.2xlarge', 'ecs.availability-zone': 'us-east-1d', stack: 'dev' }, groups: ['service:production'], runningTasksCount: 1 });
const bare = view({ ec2InstanceId: 'i-3', agentConnected: false, agentVersion: '1.14.4', registeredAt: Date.parse('2018-02-01T00:00:00Z') });
const all = [t2small, g2large, bare];

/** The ec2InstanceIds of the instances an expression selects. */
const select = (expression: string) => all.filter((v) => parseClusterQuery(expression).matches(v)).map((v) => v.ec2InstanceId);

const invalid = (expression: string) =>
  assert.throws(() => parseClusterQuery(expression), (e: unknown) => e instanceof AwsError && e.code === 'InvalidParameterException', expression);

test('string equality and inequality on attributes (inequality needs the attribute)', () => {
  assert.deepEqual(select('attribute:ecs.instance-type == t2.small'), ['i-1']);
  assert.deepEqual(select('attribute:ecs.instance-type equals t2.small'), ['i-1']);
  assert.deepEqual(select('attribute:stack != prod'), ['i-2']);
  assert.deepEqual(select('attribute:stack not_equals prod'), ['i-2']);
});

test('wildcards in values', () => {
  assert.deepEqual(select('attribute:ecs.instance-type == t2.*'), ['i-1']);
  assert.deepEqual(select('attribute:ecs.instance-type == *.2xlarge'), ['i-2']);
  assert.deepEqual(select('attribute:ecs.instance-type in [t2.*, g2.*]'), ['i-1', 'i-2']);
  assert.deepEqual(select('ec2InstanceId != i-*'), []);
});

test('argument lists, bare or quoted', () => {
  assert.deepEqual(select('attribute:ecs.availability-zone in [us-east-1a, us-east-1b]'), ['i-1']);
  assert.deepEqual(select("ec2InstanceId in ['i-1', 'i-3']"), ['i-1', 'i-3']);
  assert.deepEqual(select('ec2InstanceId in ["i-2"]'), ['i-2']);
  assert.deepEqual(select('ec2InstanceId !in [i-1, i-2]'), ['i-3']);
  assert.deepEqual(select('ec2InstanceId not_in [i-1]'), ['i-2', 'i-3']);
});

test('regular expressions match whole values', () => {
  assert.deepEqual(select('attribute:ecs.instance-type =~ g2.*'), ['i-2']);
  assert.deepEqual(select('attribute:ecs.instance-type matches t2'), []);
  assert.deepEqual(select("attribute:ecs.instance-type !~ '(t|g)2\\..*'"), []);
  assert.deepEqual(select('ec2InstanceId not_matches i-[12]'), ['i-3']);
});

test('exists and !exists', () => {
  assert.deepEqual(select('attribute:stack exists'), ['i-1', 'i-2']);
  assert.deepEqual(select('attribute:stack !exists'), ['i-3']);
  assert.deepEqual(select('attribute:stack not_exists'), ['i-3']);
  assert.deepEqual(select('task:group exists'), ['i-2']);
  const valueless = view({ attrs: { 'ecs.capability.external': undefined } });
  assert.ok(parseClusterQuery('attribute:ecs.capability.external exists').matches(valueless));
});

test('compound expressions: and/or/not in words and symbols, with precedence and parentheses', () => {
  assert.deepEqual(select('attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d'), []);
  assert.deepEqual(select('attribute:ecs.instance-type =~ g2.* && attribute:ecs.availability-zone == us-east-1d'), ['i-2']);
  assert.deepEqual(select('ec2InstanceId == i-1 || ec2InstanceId == i-3'), ['i-1', 'i-3']);
  // and binds tighter than or
  assert.deepEqual(select('ec2InstanceId == i-1 or ec2InstanceId == i-2 and attribute:stack == prod'), ['i-1']);
  assert.deepEqual(select('(ec2InstanceId == i-1 or ec2InstanceId == i-2) and attribute:stack == dev'), ['i-2']);
  assert.deepEqual(select('not(task:group == service:production)'), ['i-1', 'i-3']);
  assert.deepEqual(select('!(attribute:stack exists)'), ['i-3']);
  assert.deepEqual(select('! ec2InstanceId == i-1 AND NOT ec2InstanceId == i-2'), ['i-3']);
});

test('task groups, running task count and agent connection', () => {
  assert.deepEqual(select('task:group == service:production'), ['i-2']);
  assert.deepEqual(select('task:group == service:*'), ['i-2']);
  assert.deepEqual(select('runningTasksCount == 1'), ['i-2']);
  assert.deepEqual(select('runningTasksCount < 1'), ['i-1', 'i-3']);
  assert.deepEqual(select('runningTasksCount >= 0'), ['i-1', 'i-2', 'i-3']);
  assert.deepEqual(select('agentConnected == false'), ['i-3']);
  assert.deepEqual(select('agentConnected != false'), ['i-1', 'i-2']);
  assert.deepEqual(select('agentConnected in [true]'), ['i-1', 'i-2']);
});

test('agentVersion compares as versions', () => {
  assert.deepEqual(select('agentVersion < 1.14.5'), ['i-3']);
  assert.deepEqual(select('agentVersion greater_than 1.9.0'), ['i-1', 'i-2', 'i-3']);
  assert.deepEqual(select('agentVersion == 1.80.0'), ['i-1', 'i-2']);
  assert.deepEqual(select('agentVersion <= 1.14.4'), ['i-3']);
});

test('registeredAt compares as instants, in every documented date format', () => {
  assert.deepEqual(select('registeredAt < 2018-02-13'), ['i-3']);
  assert.deepEqual(select('registeredAt >= 2024-03-01T12:00:00Z'), ['i-1', 'i-2']);
  assert.deepEqual(select('registeredAt > 2024-03-01T11:00:00+00:00'), ['i-1', 'i-2']);
  assert.deepEqual(select('registeredAt == 2024-03-01T12:00:00'), ['i-1', 'i-2']);
  assert.deepEqual(select('registeredAt less_than_equal 2018-02-01'), ['i-3']);
});

test('ordering on attribute values: numbers, versions, then strings', () => {
  const sized = view({ attrs: { cores: '16', release: '1.10.2', tier: 'gold' } });
  assert.ok(parseClusterQuery('attribute:cores > 8').matches(sized));
  assert.ok(parseClusterQuery('attribute:release > 1.9.9').matches(sized));
  assert.ok(parseClusterQuery('attribute:tier < silver').matches(sized));
  assert.ok(compareValues('2.5', '10') < 0);
  assert.ok(compareValues('1.10', '1.9') > 0 === false, 'two-part values compare as decimals');
});

test('invalid expressions throw InvalidParameterException', () => {
  invalid('');
  invalid('attribute:stack');
  invalid('attribute: == x');
  invalid('instanceType == t2.small');
  invalid('attribute:stack == ');
  invalid('attribute:stack = prod');
  invalid("attribute:stack == 'prod");
  invalid('(attribute:stack == prod');
  invalid('attribute:stack == prod)');
  invalid('attribute:stack == prod and');
  invalid('attribute:stack == prod extra');
  invalid('attribute:stack in [a, b');
  invalid('attribute:stack =~ (unclosed');
  invalid('agentConnected > true');
  invalid('agentConnected == maybe');
  invalid('runningTasksCount == many');
  invalid('registeredAt < yesterday');
  invalid('ec2InstanceId exists');
  invalid('agentVersion in [1.0.0]');
  invalid(`attribute:stack == ${'x'.repeat(2000)}`);
});

test('a query is parsed once and says whether it depends on the tasks', () => {
  const query = parseClusterQuery('attribute:stack == prod');
  assert.equal(parseClusterQuery('attribute:stack == prod'), query);
  assert.equal(query.dependsOnTasks, false);
  assert.equal(parseClusterQuery('attribute:stack == prod or task:group == db').dependsOnTasks, true);
  assert.equal(parseClusterQuery('not(runningTasksCount > 3)').dependsOnTasks, true);
});

test('containerInstanceView reads a record and the tasks wanted running on it', () => {
  const record: ContainerInstanceRecord = {
    containerInstanceArn: 'arn:aws:ecs:us-east-1:000000000000:container-instance/c/1',
    clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/c',
    ec2InstanceId: 'i-9',
    status: 'ACTIVE',
    agentConnected: true,
    versionInfo: { agentVersion: '1.2.3' },
    registeredAt: new Date('2024-01-01T00:00:00Z'),
    registeredResources: [],
    attributes: [{ name: 'stack', value: 'prod' }, { name: 'gpu' }],
    tags: [],
    version: 1,
  };
  const v = containerInstanceView(record, [
    { group: 'service:web', desiredStatus: 'RUNNING' },
    { group: 'family:batch', desiredStatus: 'STOPPED' },
  ]);
  assert.equal(v.runningTasksCount, 1);
  assert.deepEqual([...v.taskGroups], ['service:web']);
  assert.equal(v.agentVersion, '1.2.3');
  assert.equal(v.registeredAt, Date.parse('2024-01-01T00:00:00Z'));
  assert.ok(parseClusterQuery('attribute:gpu exists and attribute:stack == prod and task:group == service:web').matches(v));
});
