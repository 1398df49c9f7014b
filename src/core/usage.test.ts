import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskRecord } from './ecs.js';
import { billedSeconds, fargateUsage, openFargateUsage } from './usage.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

test('billed from the pull to the stop, rounded up to the second, at least a minute', () => {
  assert.equal(billedSeconds(at(0), at(12.3)), 60);
  assert.equal(billedSeconds(at(0), at(60)), 60);
  assert.equal(billedSeconds(at(0), at(60.001)), 61);
  assert.equal(billedSeconds(at(0), at(3600.5)), 3601);
});

test('a stopped Fargate task yields its usage; other tasks none', () => {
  const task: TaskRecord = {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/default/1',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/default',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    launchType: 'FARGATE',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    cpu: '2048',
    memory: '5120',
    ephemeralStorage: { sizeInGiB: 50 },
    pullStartedAt: at(10),
    startedAt: at(15),
    executionStoppedAt: at(100.2),
    stoppedAt: at(101),
    group: 'service:web',
    containers: [],
    tags: [],
    version: 5,
  };
  const usage = fargateUsage(task)!;
  assert.deepEqual(
    [usage.billingStartedAt, usage.billingStoppedAt, usage.billedSeconds, usage.vcpu, usage.memoryGB, usage.extraEphemeralStorageGB, usage.group, usage.cpuArchitecture],
    [at(10), at(100.2), 91, 2, 5, 30, 'service:web', 'x86_64'],
  );
  assert.equal(fargateUsage({ ...task, launchType: 'EC2' }), undefined);
  assert.equal(fargateUsage({ ...task, lastStatus: 'RUNNING' }), undefined);
  assert.equal(fargateUsage({ ...task, pullStartedAt: undefined, startedAt: undefined }), undefined, 'never ran: nothing billed');

  // Still running: billed from the pull up to the report's time, marked running; a stopped one is not open.
  const running: TaskRecord = { ...task, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', executionStoppedAt: undefined, stoppedAt: undefined };
  const open = openFargateUsage(running, at(250))!;
  assert.deepEqual([open.billingStoppedAt, open.billedSeconds, open.running], [at(250), 240, true]);
  assert.equal(openFargateUsage(task, at(250)), undefined);
  assert.equal(openFargateUsage({ ...running, lastStatus: 'PROVISIONING', pullStartedAt: undefined, startedAt: undefined }, at(250)), undefined, 'not pulling yet: nothing billed');
});
