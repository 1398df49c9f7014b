import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAPACITY_UNAVAILABLE, placeOnManagedCapacity } from './managed-capacity.js';

const first = () => 0;

test('each task goes to the host with the most room, and counts for the next', () => {
  const hosts = [
    { arn: 'a', cpuFree: 4096, memoryFree: 4096 },
    { arn: 'b', cpuFree: 4096, memoryFree: 8192 },
  ];
  const plan = placeOnManagedCapacity(hosts, { cpu: 1024, memory: 3072, count: 3, random: first });
  assert.deepEqual(plan.placements.map((p) => p.hostArn), ['b', 'b', 'a']);
  assert.deepEqual(plan.failures, []);
  assert.deepEqual(hosts[1], { arn: 'b', cpuFree: 4096, memoryFree: 8192 }, 'the hosts given are not changed');
});

test('ties are broken at random; CPU counts too', () => {
  const hosts = [
    { arn: 'a', cpuFree: 2048, memoryFree: 4096 },
    { arn: 'b', cpuFree: 2048, memoryFree: 4096 },
    { arn: 'c', cpuFree: 256, memoryFree: 4096 },
  ];
  const plan = placeOnManagedCapacity(hosts, { cpu: 512, memory: 1024, count: 1, random: () => 0.99 });
  assert.deepEqual(plan.placements, [{ hostArn: 'b' }]);
});

test('what finds no room fails as Fargate says it, once', () => {
  const plan = placeOnManagedCapacity([{ arn: 'a', cpuFree: 1024, memoryFree: 2048 }], { cpu: 1024, memory: 2048, count: 3, random: first });
  assert.deepEqual(plan.placements, [{ hostArn: 'a' }]);
  assert.deepEqual(plan.failures, [{ reason: CAPACITY_UNAVAILABLE }]);
  assert.deepEqual(placeOnManagedCapacity([], { cpu: 256, memory: 512, count: 1, random: first }).failures, [{ reason: CAPACITY_UNAVAILABLE }]);
});
