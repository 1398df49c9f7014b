import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskAssignment } from '../core/agent-protocol.js';
import { isFromTask, RequestThrottle, type TaskAddresses } from './task-callers.js';

const task = (networkMode: string, network?: { privateIpv4Address: string; gateway: string }): TaskAssignment =>
  ({ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/t1', taskDefinition: { networkMode }, ...(network && { network }) }) as unknown as TaskAssignment;

const addresses: TaskAddresses = {
  containerAddresses: async () => ['172.17.0.3'],
  isHostAddress: (a) => a === '127.0.0.1' || a === '192.168.1.5',
};

test("a task asks only from its own addresses, whatever its network mode", async () => {
  const vpc = task('awsvpc', { privateIpv4Address: '10.0.1.9', gateway: '10.0.1.1' });
  assert.equal(await isFromTask(vpc, '10.0.1.9', addresses), true);
  for (const other of ['10.0.1.10', '172.17.0.3', '127.0.0.1']) assert.equal(await isFromTask(vpc, other, addresses), false, other);
  assert.equal(await isFromTask(task('bridge'), '172.17.0.3', addresses), true);
  for (const other of ['172.17.0.4', '127.0.0.1', '192.168.1.5']) assert.equal(await isFromTask(task('bridge'), other, addresses), false, other);
  assert.equal(await isFromTask(task('host'), '127.0.0.1', addresses), true);
  assert.equal(await isFromTask(task('host'), '192.168.1.5', addresses), true);
  assert.equal(await isFromTask(task('host'), '172.17.0.3', addresses), false);
});

test("each source has ECS's bucket: a burst of 60, then 40 a second", () => {
  let now = 0;
  const throttle = new RequestThrottle(() => now);
  for (let i = 0; i < 60; i++) assert.equal(throttle.take('172.17.0.3'), true, `request ${i}`);
  assert.equal(throttle.take('172.17.0.3'), false, 'the 61st in the same instant');
  assert.equal(throttle.take('172.17.0.4'), true, 'another source has its own bucket');
  now += 100;
  for (let i = 0; i < 4; i++) assert.equal(throttle.take('172.17.0.3'), true, 'four tokens back in 100 ms');
  assert.equal(throttle.take('172.17.0.3'), false);
  now += 60_000;
  for (let i = 0; i < 60; i++) assert.equal(throttle.take('172.17.0.3'), true, 'an idle minute refills up to the burst only');
  assert.equal(throttle.take('172.17.0.3'), false);
});

test("a source's empty bucket survives however many other sources ask (only full ones are forgotten)", () => {
  let now = 0;
  const throttle = new RequestThrottle(() => now);
  for (let i = 0; i < 61; i++) throttle.take('10.9.9.9');
  for (let i = 0; i < 2000; i++) throttle.take(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(throttle.take('10.9.9.9'), false, 'the busy source is still empty');
});
