import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupInstance } from './autoscaling.js';
import { instancesToTerminate, onDemandCount, zonesToLaunch } from './autoscaling-decisions.js';

const instance = (id: string, zone: string, extra: Partial<GroupInstance> = {}): GroupInstance => ({
  InstanceId: id,
  AvailabilityZone: zone,
  LifecycleState: 'InService',
  HealthStatus: 'Healthy',
  ProtectedFromScaleIn: false,
  launchedAt: 0,
  ...extra,
});

test('new instances go to the zones with the fewest, in the zones order on a tie', () => {
  assert.deepEqual(zonesToLaunch(['a', 'b', 'c'], [], 4), ['a', 'b', 'c', 'a']);
  assert.deepEqual(zonesToLaunch(['a', 'b', 'c'], [instance('i-1', 'a'), instance('i-2', 'a'), instance('i-3', 'b')], 3), ['c', 'b', 'c']);
  // Instances leaving the group do not count.
  assert.deepEqual(zonesToLaunch(['a', 'b'], [instance('i-1', 'a', { LifecycleState: 'Terminating' })], 1), ['a']);
});

test('scale-in takes from the zone with the most instances, never a protected one', () => {
  const group = [instance('i-1', 'a'), instance('i-2', 'a'), instance('i-3', 'b'), instance('i-4', 'a', { ProtectedFromScaleIn: true })];
  const chosen = instancesToTerminate(group, 2, { policies: ['Default'], now: 0 });
  assert.deepEqual(chosen.map((i) => i.InstanceId), ['i-1', 'i-2']);
  // Protected instances are kept even when that leaves the scale-in short.
  assert.deepEqual(instancesToTerminate(group, 4, { policies: ['Default'], now: 0 }).map((i) => i.InstanceId).sort(), ['i-1', 'i-2', 'i-3']);
});

test('termination policies: oldest and newest instance, oldest launch template, closest to the next hour', () => {
  const group = [instance('i-1', 'a', { launchedAt: 5_000, templateVersion: '2' }), instance('i-2', 'a', { launchedAt: 1_000, templateVersion: '2' }), instance('i-3', 'a', { launchedAt: 9_000, templateVersion: '1' })];
  const one = (policies: string[], now = 10_000) => instancesToTerminate(group, 1, { policies, currentVersion: '2', now })[0]!.InstanceId;
  assert.equal(one(['OldestInstance']), 'i-2');
  assert.equal(one(['NewestInstance']), 'i-3');
  assert.equal(one(['OldestLaunchTemplate']), 'i-3');
  // 3,599 s after i-2's launch it is a second away from its next instance hour.
  assert.equal(one(['ClosestToNextInstanceHour'], 3_600_000), 'i-2');
  assert.equal(one(['Default']), 'i-3');
});

test('a mixed instances policy keeps its On-Demand base, then its percentage rounded up', () => {
  assert.equal(onDemandCount(10, { OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 25 }), 4);
  assert.equal(onDemandCount(3, { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 }), 0);
  assert.equal(onDemandCount(1, { OnDemandBaseCapacity: 5 }), 1);
  assert.equal(onDemandCount(4), 4);
});
