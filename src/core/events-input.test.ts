import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventBridgeEvent, EventTarget } from './events.js';
import { ecsOverrides, inputProblem, parseJsonPath, targetInput } from './events-input.js';

const event: EventBridgeEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', count: 2, tags: { a: 'x"y' } },
};
const context = { ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/r', ruleName: 'r', ingestionTime: '2015-11-11T21:29:55Z' };
const target = (extra: Partial<EventTarget>): EventTarget => ({ Id: 't', Arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default', ...extra });

test('JSON paths', () => {
  assert.deepEqual(parseJsonPath('$'), []);
  assert.deepEqual(parseJsonPath('$.detail.instance-id'), ['detail', 'instance-id']);
  assert.deepEqual(parseJsonPath("$.resources[0]"), ['resources', 0]);
  assert.deepEqual(parseJsonPath("$['detail-type']"), ['detail-type']);
  assert.equal(parseJsonPath('detail.state'), undefined);
  assert.equal(parseJsonPath('$.detail..state'), undefined);
});

test('no input settings: the event itself; Input: the constant; InputPath: the part', () => {
  assert.deepEqual(JSON.parse(targetInput(target({}), event, context)), event);
  assert.equal(targetInput(target({ Input: '{"a":1}' }), event, context), '{"a":1}');
  assert.equal(targetInput(target({ InputPath: '$.detail.state' }), event, context), '"RUNNING"');
  assert.equal(targetInput(target({ InputPath: '$.detail.missing' }), event, context), 'null');
});

test('InputTransformer as the documentation shows it: JSON template and string template', () => {
  const InputPathsMap = { instance: '$.detail.instance-id', state: '$.detail.state', count: '$.detail.count', tags: '$.detail.tags', missing: '$.detail.nope' };
  const json = targetInput(target({ InputTransformer: { InputPathsMap, InputTemplate: '{"instance": <instance>, "state": <state>, "n": <count>, "tags": <tags>, "gone": <missing>, "text": "<instance> is <state>"}' } }), event, context);
  assert.deepEqual(JSON.parse(json), { instance: 'i-0123456789', state: 'RUNNING', n: 2, tags: { a: 'x"y' }, gone: null, text: 'i-0123456789 is RUNNING' });
  const text = targetInput(target({ InputTransformer: { InputPathsMap, InputTemplate: '"instance <instance> is in <state>"' } }), event, context);
  assert.equal(JSON.parse(text), 'instance i-0123456789 is in RUNNING');
  const reserved = targetInput(target({ InputTransformer: { InputTemplate: '{"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "event": <aws.events.event.json>, "other": <unknown>}' } }), event, context);
  assert.equal(reserved, `{"rule": "r", "arn": "${context.ruleArn}", "event": ${JSON.stringify(event)}, "other": <unknown>}`);
});

test('input settings PutTargets refuses', () => {
  assert.equal(inputProblem(target({ Input: '{}', InputPath: '$' })), 'Only one of Input, InputPath, or InputTransformer must be provided for target t.');
  assert.equal(inputProblem(target({ Input: '{not json' })), 'Input for target t is not valid JSON text.');
  assert.equal(inputProblem(target({ InputPath: 'detail' })), 'InputPath for target t is invalid.');
  assert.equal(inputProblem(target({ InputTransformer: { InputPathsMap: { 'aws.x': '$' }, InputTemplate: '<aws.x>' } })), 'InputPathsMap contains invalid key: aws.x for target t.');
  assert.equal(inputProblem(target({ InputTransformer: { InputPathsMap: { x: 'detail' }, InputTemplate: '<x>' } })), 'InputPathsMap contains invalid JSONPath: detail for target t.');
  assert.equal(inputProblem(target({ InputTransformer: { InputPathsMap: { x: '$.detail' }, InputTemplate: '<x>' } })), undefined);
});

test('an ECS target input becomes RunTask overrides: its TaskOverride members only', () => {
  assert.deepEqual(ecsOverrides('{"containerOverrides":[{"name":"app","command":["echo","hi"]}],"other":1}'), { containerOverrides: [{ name: 'app', command: ['echo', 'hi'] }] });
  assert.equal(ecsOverrides('"text"'), undefined);
  assert.equal(ecsOverrides('{"detail":{}}'), undefined);
});
