import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContainerRecord, TaskRecord } from './ecs.js';
import {
  applyContainerReport,
  applyHealth,
  applyTaskReport,
  neverStarted,
  requestStop,
  taskHealth,
} from './task-lifecycle.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function container(name: string, extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return { containerArn: `arn:c/${name}`, taskArn: 'arn:t', name, lastStatus: 'PENDING', essential: true, healthCheck: false, healthStatus: 'UNKNOWN', ...extra };
}

function task(containers: ContainerRecord[] = [container('app')], extra: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskArn: 'arn:t',
    clusterArn: 'arn:cluster',
    taskDefinitionArn: 'arn:td',
    lastStatus: 'PENDING',
    desiredStatus: 'RUNNING',
    containers,
    tags: [],
    version: 1,
    createdAt: T0,
    healthStatus: 'UNKNOWN',
    ...extra,
  };
}

describe('task lifecycle', () => {
  test('RUNNING sets startedAt and connectivity, and bumps the version once', () => {
    const next = applyTaskReport(task(), {
      status: 'RUNNING',
      pullStartedAt: at(1),
      pullStoppedAt: at(2),
      containers: [{ containerName: 'app', status: 'RUNNING', runtimeId: 'abc', networkBindings: [{ containerPort: 80, hostPort: 32768 }] }],
    }, at(3));
    assert.equal(next.lastStatus, 'RUNNING');
    assert.equal(next.version, 2);
    assert.deepEqual([next.startedAt, next.connectivityAt, next.pullStartedAt, next.pullStoppedAt], [at(3), at(3), at(1), at(2)]);
    assert.equal(next.connectivity, 'CONNECTED');
    assert.equal(next.containers[0]!.runtimeId, 'abc');
    assert.equal(next.containers[0]!.networkBindings![0]!.hostPort, 32768);
  });

  test('a report that changes nothing returns the same record', () => {
    const running = applyTaskReport(task(), { status: 'RUNNING' }, at(1));
    assert.equal(applyTaskReport(running, { status: 'RUNNING' }, at(2)), running);
    assert.equal(applyTaskReport(running, { status: 'PENDING' }, at(2)), running, 'never moves backwards');
  });

  test('a late container report about an earlier status is ignored', () => {
    const stopped = applyContainerReport(task(), { containerName: 'app', status: 'STOPPED', exitCode: 0 }, at(1));
    assert.equal(applyContainerReport(stopped, { containerName: 'app', status: 'RUNNING', runtimeId: 'x' }, at(2)), stopped);
  });

  test('an essential container that exits stops the task: EssentialContainerExited', () => {
    const running = applyTaskReport(task([container('app'), container('side', { essential: false })]), { status: 'RUNNING' }, at(1));
    const exited = applyContainerReport(running, { containerName: 'app', status: 'STOPPED', exitCode: 3 }, at(5));
    assert.equal(exited.desiredStatus, 'STOPPED');
    assert.equal(exited.stopCode, 'EssentialContainerExited');
    assert.equal(exited.stoppedReason, 'Essential container in task exited');
    assert.deepEqual(exited.stoppingAt, at(5));
    assert.equal(exited.lastStatus, 'RUNNING', 'the agent still has to stop the rest');

    const stopped = applyTaskReport(exited, { status: 'STOPPED', executionStoppedAt: at(6) }, at(7));
    assert.equal(stopped.lastStatus, 'STOPPED');
    assert.deepEqual([stopped.executionStoppedAt, stopped.stoppedAt], [at(6), at(7)]);
    assert.deepEqual(stopped.containers.map((c) => c.lastStatus), ['STOPPED', 'STOPPED']);
    assert.equal(stopped.containers[0]!.exitCode, 3);
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
  });

  test('a non-essential container that exits leaves the task running', () => {
    const running = applyTaskReport(task([container('app'), container('side', { essential: false })]), { status: 'RUNNING' }, at(1));
    const next = applyContainerReport(running, { containerName: 'side', status: 'STOPPED', exitCode: 0 }, at(2));
    assert.equal(next.desiredStatus, 'RUNNING');
    assert.equal(next.stopCode, undefined);
  });

  test('a container that never ran fails the task to start, with its reason', () => {
    const reason = 'CannotPullContainerError: pull access denied for nothing';
    const failed = applyTaskReport(task(), { status: 'STOPPED', containers: [{ containerName: 'app', status: 'STOPPED', reason }] }, at(2));
    assert.equal(failed.stopCode, 'TaskFailedToStart');
    assert.equal(failed.stoppedReason, reason);
    assert.equal(failed.startedAt, undefined);
    assert.deepEqual(failed.stoppedAt, at(2));
  });

  test('an essential container that exits while others never started: EssentialContainerExited', () => {
    // One report: the agent cancelled what had not started (no exit code, no reason) as the task stopped.
    const pending = task([container('waits'), container('app'), container('side', { essential: false })]);
    const stopped = applyTaskReport(pending, {
      status: 'STOPPED',
      reason: 'Essential container in task exited',
      containers: [
        { containerName: 'waits', status: 'STOPPED' },
        { containerName: 'app', status: 'STOPPED', exitCode: 3 },
        { containerName: 'side', status: 'STOPPED' },
      ],
    }, at(2));
    assert.deepEqual([stopped.stopCode, stopped.stoppedReason], ['EssentialContainerExited', 'Essential container in task exited']);
    assert.deepEqual(stopped.startedAt, at(2), 'a container ran');
  });

  test('an essential container that failed to start wins over the exits it caused', () => {
    const reason = 'CannotPullContainerError: no such image';
    const failed = applyTaskReport(task([container('app'), container('db')]), {
      status: 'STOPPED',
      containers: [
        { containerName: 'app', status: 'STOPPED', exitCode: 143 },
        { containerName: 'db', status: 'STOPPED', reason },
      ],
    }, at(2));
    assert.deepEqual([failed.stopCode, failed.stoppedReason], ['TaskFailedToStart', reason]);
  });

  test('a non-essential container that fails to start leaves the task running', () => {
    const running = applyTaskReport(task([container('app'), container('side', { essential: false })]), { status: 'RUNNING' }, at(1));
    const next = applyContainerReport(running, { containerName: 'side', status: 'STOPPED', reason: 'CannotPullContainerError: nope' }, at(2));
    assert.equal(next.desiredStatus, 'RUNNING');
    assert.equal(next.stopCode, undefined);
  });

  test('StopTask: UserInitiated, stoppingAt, and the first cause stands', () => {
    const running = applyTaskReport(task(), { status: 'RUNNING' }, at(1));
    const stopping = requestStop(running, { stopCode: 'UserInitiated', stoppedReason: 'done' }, at(2));
    assert.equal(stopping.version, running.version + 1);
    assert.deepEqual([stopping.desiredStatus, stopping.stopCode, stopping.stoppedReason, stopping.stoppingAt], ['STOPPED', 'UserInitiated', 'done', at(2)]);
    assert.equal(requestStop(stopping, { stopCode: 'UserInitiated', stoppedReason: 'again' }, at(3)), stopping);
    // The containers the agent stops then report exit codes; the user's cause is kept.
    const stopped = applyTaskReport(stopping, { status: 'STOPPED', containers: [{ containerName: 'app', status: 'STOPPED', exitCode: 143 }] }, at(4));
    assert.deepEqual([stopped.stopCode, stopped.stoppedReason, stopped.lastStatus], ['UserInitiated', 'done', 'STOPPED']);
  });

  test('intermediate statuses move forward and keep their order', () => {
    let t = applyTaskReport(task(), { status: 'ACTIVATING' }, at(1));
    assert.equal(neverStarted(t), false);
    t = applyTaskReport(t, { status: 'STOPPING' }, at(2));
    assert.equal(t.lastStatus, 'STOPPING');
    assert.deepEqual(t.startedAt, at(2));
    t = applyTaskReport(t, { status: 'RUNNING' }, at(3));
    assert.equal(t.lastStatus, 'STOPPING');
  });

  test('health aggregates over essential containers with health checks', () => {
    const checked = (name: string, healthStatus: ContainerRecord['healthStatus'], essential = true) =>
      container(name, { healthCheck: true, healthStatus, essential });
    assert.equal(taskHealth([container('a')]), 'UNKNOWN', 'no health check at all');
    assert.equal(taskHealth([checked('a', 'HEALTHY'), container('b')]), 'HEALTHY', 'containers without checks do not count');
    assert.equal(taskHealth([checked('a', 'HEALTHY'), checked('b', 'UNKNOWN')]), 'UNKNOWN');
    assert.equal(taskHealth([checked('a', 'UNKNOWN'), checked('b', 'UNHEALTHY')]), 'UNHEALTHY');
    assert.equal(taskHealth([checked('a', 'HEALTHY'), checked('b', 'UNHEALTHY', false)]), 'HEALTHY', 'non-essential health does not count');

    const t = task([checked('a', 'UNKNOWN')]);
    const healthy = applyHealth(t, 'a', 'HEALTHY', at(1));
    assert.deepEqual([healthy.healthStatus, healthy.containers[0]!.healthStatus, healthy.version], ['HEALTHY', 'HEALTHY', 2]);
    assert.equal(applyHealth(healthy, 'a', 'HEALTHY', at(2)), healthy);
    const stopped = applyTaskReport(healthy, { status: 'STOPPED' }, at(3));
    assert.equal(applyHealth(stopped, 'a', 'UNHEALTHY', at(4)), stopped, 'a stopped task keeps its last health');
  });
});
