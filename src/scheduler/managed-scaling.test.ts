import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capacityProviderReservation, desiredCapacity, instancesForTasks } from './managed-scaling.js';

const steps = { targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000 };
const bounds = { min: 0, max: 100 };

test('CapacityProviderReservation is M / N x 100, with ECS values when the group is empty', () => {
  assert.equal(capacityProviderReservation(3, 4), 75);
  assert.equal(capacityProviderReservation(4, 2), 200);
  assert.equal(capacityProviderReservation(0, 0), 100);
  assert.equal(capacityProviderReservation(5, 0), 200);
});

test('waiting tasks are bin-packed onto new instances of the group type', () => {
  const t3small = { cpu: 2048, memory: 2048 };
  assert.equal(instancesForTasks(Array(6).fill({ cpu: 512, memory: 512 }), t3small), 2);
  assert.equal(instancesForTasks([{ cpu: 1536, memory: 256 }, { cpu: 1024, memory: 256 }, { cpu: 512, memory: 256 }], t3small), 2);
  // A task larger than an instance still counts one instance.
  assert.equal(instancesForTasks([{ cpu: 4096, memory: 512 }], t3small), 1);
  assert.equal(instancesForTasks([], t3small), 0);
});

test('target tracking: out by at least the minimum and at most the maximum step, in straight to the target', () => {
  assert.equal(desiredCapacity({ needed: 2, current: 0 }, steps, bounds), 2);
  assert.equal(desiredCapacity({ needed: 1, current: 0 }, { ...steps, minimumScalingStepSize: 3 }, bounds), 3);
  assert.equal(desiredCapacity({ needed: 50, current: 2 }, { ...steps, maximumScalingStepSize: 10 }, bounds), 12);
  // A 50 % target keeps twice the instances the tasks need.
  assert.equal(desiredCapacity({ needed: 3, current: 3 }, { ...steps, targetCapacity: 50 }, bounds), 6);
  assert.equal(desiredCapacity({ needed: 1, current: 5 }, steps, bounds), 1);
  assert.equal(desiredCapacity({ needed: 0, current: 5 }, steps, { min: 2, max: 10 }), 2);
  assert.equal(desiredCapacity({ needed: 40, current: 5 }, steps, { min: 0, max: 10 }), 10);
});

test('instances still warming up are not counted: the next step waits for them', () => {
  const twoAtATime = { ...steps, maximumScalingStepSize: 2 };
  // Six instances needed, two launched and warming: no further step until they are warm.
  assert.equal(desiredCapacity({ needed: 6, current: 0, warmed: 0 }, twoAtATime, bounds), 2);
  assert.equal(desiredCapacity({ needed: 6, current: 2, warmed: 0 }, twoAtATime, bounds), 2);
  assert.equal(desiredCapacity({ needed: 6, current: 2, warmed: 2 }, twoAtATime, bounds), 4);
  // One warm of three: the step counts from the warm one, never below what is already asked for.
  assert.equal(desiredCapacity({ needed: 10, current: 3, warmed: 1 }, twoAtATime, bounds), 3);
  assert.equal(desiredCapacity({ needed: 10, current: 3, warmed: 2 }, twoAtATime, bounds), 4);
  // Scale-in is not held by warming instances' steps.
  assert.equal(desiredCapacity({ needed: 1, current: 3, warmed: 0 }, twoAtATime, bounds), 1);
});
