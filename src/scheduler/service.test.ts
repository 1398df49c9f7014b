import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContainerInstanceRecord, DeploymentRecord, ServiceRecord, TaskRecord } from '../core/ecs.js';
import { instance, instanceArn } from './fixtures.test-support.js';
import {
  countedAs,
  failureThreshold,
  isHealthy,
  maximumRunning,
  minimumHealthy,
  reconcileService,
  SCHEDULER_DEFAULTS,
  throttleDelayMs,
  type InstanceView,
  type ServicePlan,
} from './service.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const SETTLE = SCHEDULER_DEFAULTS.settleMs;
const NOW = at(10 * 60_000);
const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/c';
const OLD = 'ecs-svc/1111111111111111111';
const NEW = 'ecs-svc/2222222222222222222';

function deployment(id: string, o: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    id,
    status: 'PRIMARY',
    taskDefinition: `arn:aws:ecs:us-east-1:000000000000:task-definition/web:${id === OLD ? 1 : 2}`,
    desiredCount: 3,
    failedTasks: 0,
    createdAt: at(0),
    updatedAt: at(0),
    launchType: 'EC2',
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    serviceDeploymentArn: `sd-${id}`,
    serviceRevisionArn: `sr-${id}`,
    ...o,
  };
}

function service(o: Partial<ServiceRecord> = {}, deployments: DeploymentRecord[] = [deployment(NEW)]): ServiceRecord {
  return {
    serviceArn: 'arn:aws:ecs:us-east-1:000000000000:service/c/web',
    serviceName: 'web',
    clusterArn: CLUSTER,
    status: 'ACTIVE',
    desiredCount: 3,
    taskDefinition: deployments[0]!.taskDefinition,
    launchType: 'EC2',
    schedulingStrategy: 'REPLICA',
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: false, rollback: false } },
    deployments,
    events: [],
    createdAt: at(0),
    tags: [],
    version: 1,
    ...o,
  };
}

let serial = 0;
/** A service task; by default RUNNING for long enough to be healthy, on instance 1. */
function task(o: Partial<TaskRecord> & { on?: string | number; checked?: boolean } = {}): TaskRecord {
  const { on = 1, checked = false, ...rest } = o;
  const arn = `arn:aws:ecs:us-east-1:000000000000:task/c/${(++serial).toString(16).padStart(32, '0')}`;
  return {
    taskArn: arn,
    clusterArn: CLUSTER,
    taskDefinitionArn: 'td',
    containerInstanceArn: instanceArn(on),
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    group: 'service:web',
    startedBy: NEW,
    createdAt: at(serial),
    startedAt: at(0),
    containers: [{ containerArn: `${arn}/c`, taskArn: arn, name: 'app', lastStatus: 'RUNNING', essential: true, healthCheck: checked }],
    tags: [],
    version: 2,
    ...rest,
  };
}

function instances(...records: ContainerInstanceRecord[]): Map<string, InstanceView> {
  return new Map(records.map((r) => [r.containerInstanceArn, { record: r, eligible: true }]));
}

const connected = instances(instance(1), instance(2), instance(3));

function plan(svc: ServiceRecord, tasks: TaskRecord[], options: { now?: Date; instances?: Map<string, InstanceView> } = {}): ServicePlan {
  return reconcileService({ service: svc, tasks, instances: options.instances ?? connected }, options.now ?? NOW);
}

const launched = (p: ServicePlan) => p.launches.reduce((n, l) => n + l.count, 0);
const stopped = (p: ServicePlan) => p.stops.map((s) => s.taskArn);

describe('rounding and thresholds', () => {
  test('minimumHealthyPercent rounds up and maximumPercent rounds down, as ECS does', () => {
    assert.equal(minimumHealthy(3, 50), 2); // 1.5 -> 2
    assert.equal(minimumHealthy(2, 75), 2); // 1.5 -> 2: ECS's own example, nothing may stop
    assert.equal(maximumRunning(3, 150), 4); // 4.5 -> 4
    assert.equal(maximumRunning(4, 200), 8);
  });

  test('the circuit breaker threshold is half the desired count, at least 3, at most 200', () => {
    assert.deepEqual([1, 6, 7, 25, 400, 800].map(failureThreshold), [3, 3, 4, 13, 200, 200]);
  });

  test('the throttle waits only after three failures in a row, doubling up to 27 minutes', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map(throttleDelayMs), [0, 0, 5_000, 10_000, 20_000]);
    assert.equal(throttleDelayMs(40), 27 * 60_000);
  });
});

describe('health', () => {
  test('a task without health checks is healthy once RUNNING for the settle time', () => {
    const t = task({ startedAt: at(0) });
    assert.equal(isHealthy(t, T0 + SETTLE - 1, SETTLE), false);
    assert.equal(isHealthy(t, T0 + SETTLE, SETTLE), true);
  });

  test('a task with container health checks is healthy when they pass', () => {
    assert.equal(isHealthy(task({ checked: true, healthStatus: 'HEALTHY' }), T0, SETTLE), true);
    assert.equal(isHealthy(task({ checked: true, healthStatus: 'UNKNOWN' }), NOW.getTime(), SETTLE), false);
    assert.equal(isHealthy(task({ desiredStatus: 'STOPPED' }), NOW.getTime(), SETTLE), false);
  });

  test('DescribeServices counts RUNNING tasks and wanted tasks not yet RUNNING', () => {
    const counted = [task(), task({ lastStatus: 'PENDING' }), task({ lastStatus: 'PENDING', desiredStatus: 'STOPPED' }), task({ lastStatus: 'STOPPED' })].map(countedAs);
    assert.deepEqual(counted, ['running', 'pending', undefined, undefined]);
  });
});

describe('REPLICA', () => {
  test('a new service launches its desired count for the PRIMARY deployment', () => {
    const p = plan(service(), []);
    assert.deepEqual(p.launches, [{ deploymentId: NEW, taskDefinition: service().taskDefinition, count: 3 }]);
    assert.deepEqual(p.stops, []);
  });

  test('a task that ran and exited is replaced and does not count as a failure', () => {
    const gone = task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedAt: at(0), stoppedAt: at(SETTLE * 2) });
    const p = plan(service(), [task(), task(), gone]);
    assert.equal(launched(p), 1);
    assert.deepEqual(p.accounted, [gone.taskArn]);
    assert.equal(p.service.deployments[0]!.failedTasks, 0);
    assert.equal(p.service.throttle, undefined);
  });

  test('scale-in stops tasks not yet healthy first, then from the busiest instance', () => {
    const pending = task({ lastStatus: 'PENDING', startedAt: undefined, on: 2 });
    const [a, b, c] = [task({ on: 1 }), task({ on: 1 }), task({ on: 2 })];
    const p = plan(service({ desiredCount: 2 }), [a, b, c, pending]);
    assert.deepEqual(stopped(p), [pending.taskArn, b.taskArn]);
    assert.match(p.stops[0]!.cause.stoppedReason, /^Scaling activity initiated by \(deployment ecs-svc\/2222222222222222222\)$/);
    assert.equal(p.stops[0]!.cause.stopCode, 'ServiceSchedulerInitiated');
    assert.equal(launched(p), 0);
    assert.deepEqual(p.events, [`(service web) has stopped 1 running tasks: (task ${b.taskArn.split('/').at(-1)}).`]);
  });

  test('reaches a steady state: the deployment completes once, then the service says so', () => {
    const p = plan(service(), [task(), task(), task()]);
    assert.equal(p.service.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(p.service.deployments[0]!.rolloutStateReason, `ECS deployment ${NEW} completed.`);
    assert.deepEqual(p.events, [`(service web) (deployment ${NEW}) deployment completed.`, '(service web) has reached a steady state.']);
    assert.deepEqual(p.transitions.map((t) => t.kind), ['completed']);
    assert.equal(p.service.completedDeployment?.id, NEW);
    const again = plan(p.service, [task(), task(), task()]);
    assert.equal(again.service, p.service, 'nothing changes');
    assert.deepEqual(again.events, ['(service web) has reached a steady state.'], 'the applier drops it as a repeat of the newest event');
  });
});

describe('rolling update', () => {
  const rolling = (config: Partial<ServiceRecord['deploymentConfiguration']>, desiredCount = 3) =>
    service({ desiredCount, deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, ...config } }, [
      deployment(NEW, { desiredCount }),
      deployment(OLD, { status: 'ACTIVE', rolloutState: 'COMPLETED', launched: true }),
    ]);
  const old = (n: number) => Array.from({ length: n }, () => task({ startedBy: OLD }));

  test('min 100 / max 200: starts all replacements first, stops nothing yet', () => {
    const p = plan(rolling({}), old(3));
    assert.equal(launched(p), 3);
    assert.deepEqual(p.stops, []);
  });

  test('min 100 / max 200: stops old tasks only as new ones are healthy', () => {
    const oldTasks = old(3);
    const fresh = [task(), task({ startedAt: new Date(NOW.getTime() - 1000) }), task({ lastStatus: 'PENDING', startedAt: undefined })];
    const p = plan(rolling({}), [...oldTasks, ...fresh]);
    assert.equal(launched(p), 0);
    assert.equal(p.stops.length, 1, 'one new task is healthy, so one old task may go');
    assert.equal(p.requeueAfterMs, SETTLE - 1000, 'planned again when the second new task settles');
  });

  test('min 100 / max 200: completes once the old deployment is gone, and drops it', () => {
    const stoppedOld = task({ startedBy: OLD, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated', serviceAccounted: true });
    const p = plan(rolling({}), [task(), task(), task(), stoppedOld]);
    assert.deepEqual(p.service.deployments.map((d) => [d.id, d.status, d.rolloutState]), [[NEW, 'PRIMARY', 'COMPLETED']]);
  });

  test('min 50 / max 100 of 4: stops two old tasks (rounded up floor of 2 healthy), starts none until they are gone', () => {
    const p = plan(rolling({ minimumHealthyPercent: 50, maximumPercent: 100 }, 4), old(4));
    assert.equal(launched(p), 0);
    assert.equal(p.stops.length, 2);
    const oldTasks = old(2);
    const next = plan(rolling({ minimumHealthyPercent: 50, maximumPercent: 100 }, 4), oldTasks);
    assert.equal(launched(next), 2);
    assert.deepEqual(next.stops, []);
  });

  test('min 50 / max 150 of 3: rounding gives at most 4 tasks and at least 2 healthy', () => {
    const p = plan(rolling({ minimumHealthyPercent: 50, maximumPercent: 150 }), old(3));
    assert.equal(launched(p), 1);
    assert.equal(p.stops.length, 1);
  });

  test('old tasks that are not yet running go at once', () => {
    const pendingOld = task({ startedBy: OLD, lastStatus: 'PENDING', startedAt: undefined });
    const p = plan(rolling({}), [...old(3), pendingOld]);
    assert.deepEqual(stopped(p), [pendingOld.taskArn]);
    assert.equal(launched(p), 2, 'max 200% of 3 is 6, and 4 tasks are still there');
    assert.equal(p.service.deployments[1]!.desiredCount, 3);
  });
});

describe('circuit breaker', () => {
  const failed = () => task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', startedAt: undefined, stoppedAt: NOW });
  const breaking = (rollback: boolean) =>
    service(
      { deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback } }, completedDeployment: deployment(OLD, { rolloutState: 'COMPLETED', launched: true }) },
      [deployment(NEW), deployment(OLD, { status: 'ACTIVE', rolloutState: 'COMPLETED', launched: true })],
    );

  test('counts tasks that fail before any task of the deployment was healthy', () => {
    const p = plan(breaking(false), [failed(), failed(), task({ startedBy: OLD })]);
    assert.equal(p.service.deployments[0]!.failedTasks, 2);
    assert.equal(p.service.deployments[0]!.rolloutState, 'IN_PROGRESS');
  });

  test('a crash before the task settled counts; a healthy task resets the count and ends the counting', () => {
    const crashed = task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedAt: at(0), stoppedAt: at(1000) });
    const p = plan(breaking(false), [crashed]);
    assert.equal(p.service.deployments[0]!.failedTasks, 1);
    const healthy = plan(p.service, [task()]);
    assert.equal(healthy.service.deployments[0]!.failedTasks, 0);
    assert.equal(healthy.service.deployments[0]!.launched, true);
    const later = plan(healthy.service, [task(), failed(), failed(), failed()]);
    assert.equal(later.service.deployments[0]!.failedTasks, 0);
    assert.equal(later.service.deployments[0]!.rolloutState, 'IN_PROGRESS');
  });

  test('at the threshold the deployment fails and rolls back to the last completed one', () => {
    const oldTasks = [task({ startedBy: OLD }), task({ startedBy: OLD }), task({ startedBy: OLD })];
    const starting = task({ lastStatus: 'PENDING', startedAt: undefined });
    const p = plan(breaking(true), [failed(), failed(), failed(), starting, ...oldTasks]);
    const [primary, failedOne] = p.service.deployments;
    assert.deepEqual([primary!.id, primary!.status, primary!.rolloutState], [OLD, 'PRIMARY', 'IN_PROGRESS']);
    assert.equal(primary!.rolloutStateReason, `ECS deployment circuit breaker: rolling back to deploymentId ${OLD}.`);
    assert.deepEqual([failedOne!.id, failedOne!.status, failedOne!.rolloutState], [NEW, 'ACTIVE', 'FAILED']);
    assert.equal(failedOne!.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(p.service.taskDefinition, primary!.taskDefinition);
    assert.deepEqual(p.events.slice(0, 2), [`(service web) (deployment ${NEW}) deployment failed: tasks failed to start.`, `(service web) rolling back to deployment ${OLD}.`]);
    assert.deepEqual(p.transitions.map((t) => t.kind), ['failed']);
    assert.deepEqual(stopped(p), [starting.taskArn], 'the failed deployment drains');
    assert.equal(launched(p), 0, 'the old tasks are all there');
    const done = plan(p.service, oldTasks);
    assert.deepEqual(done.service.deployments.map((d) => [d.id, d.rolloutState]), [[OLD, 'COMPLETED']]);
    assert.deepEqual(done.transitions.map((t) => t.kind), ['completed']);
  });

  test('without rollback, or without a completed deployment, the failed deployment launches nothing more', () => {
    const p = plan(breaking(false), [failed(), failed(), failed(), task({ startedBy: OLD })]);
    assert.equal(p.service.deployments[0]!.rolloutState, 'FAILED');
    assert.equal(launched(p), 0);
    const fresh = service({ deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } } });
    const first = plan(fresh, [failed(), failed(), failed()]);
    assert.equal(first.service.deployments[0]!.rolloutState, 'FAILED');
    assert.equal(launched(first), 0);
  });

  test('each stopped task counts once', () => {
    const f = failed();
    const p = plan(breaking(false), [f]);
    assert.equal(p.service.deployments[0]!.failedTasks, 1);
    const again = plan(p.service, [{ ...f, serviceAccounted: true }]);
    assert.equal(again.service.deployments[0]!.failedTasks, 1);
  });
});

describe('throttle', () => {
  const failed = (ms: number) => task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'TaskFailedToStart', startedAt: undefined, stoppedAt: new Date(ms) });

  test('after three failures in a row launches wait, and the service says it cannot start tasks consistently', () => {
    const p = plan(service(), [failed(NOW.getTime()), failed(NOW.getTime()), failed(NOW.getTime())]);
    assert.equal(launched(p), 0);
    assert.equal(p.service.throttle?.failures, 3);
    assert.deepEqual(p.service.throttle?.until, new Date(NOW.getTime() + 5_000));
    assert.equal(p.requeueAfterMs, 5_000);
    assert.match(p.events.at(-1)!, /^\(service web\) is unable to consistently start tasks successfully\./);
    const later = plan(p.service, [], { now: new Date(NOW.getTime() + 5_000) });
    assert.equal(launched(later), 3, 'launches resume once the wait is over');
  });

  test('a task that ran before it crashed is replaced at once, however often', () => {
    const crashed = () => task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedAt: at(0), stoppedAt: at(500) });
    const p = plan(service(), [crashed(), crashed(), crashed(), crashed()]);
    assert.equal(p.service.throttle, undefined);
    assert.equal(launched(p), 3);
  });

  test('a task launched after the failures that becomes healthy ends the throttle', () => {
    const throttled = service({ throttle: { failures: 5, lastFailureAt: at(1000), until: new Date(NOW.getTime() + 60_000) } });
    const p = plan(throttled, [task({ createdAt: at(2000) })]);
    assert.equal(p.service.throttle, undefined);
    assert.equal(launched(p), 2);
  });
});

describe('draining and lost instances', () => {
  test('tasks on a DRAINING instance are replaced first, then stopped; pending ones stop at once', () => {
    const onDraining = instances(instance(1, { status: 'DRAINING' }), instance(2));
    const running = [task({ on: 1 }), task({ on: 1 })];
    const pending = task({ on: 1, lastStatus: 'PENDING', startedAt: undefined });
    const p = plan(service(), [...running, pending, task({ on: 2 })], { instances: onDraining });
    assert.deepEqual(stopped(p), [pending.taskArn]);
    assert.equal(launched(p), 2, 'max 200% of 3: 6, and four are there');
    const replaced = plan(service(), [...running, task({ on: 2 }), task({ on: 2 }), task({ on: 2 })], { instances: onDraining });
    assert.deepEqual(stopped(replaced).sort(), running.map((t) => t.taskArn).sort());
  });

  test('tasks of an instance whose agent is lost are marked stopped and replaced; before the timeout, planned again then', () => {
    const gone = at(NOW.getTime() - T0 - SCHEDULER_DEFAULTS.lostAfterMs);
    const lost = instances(instance(1, { agentConnected: false }), instance(2));
    lost.get(instanceArn(1))!.record.agentDisconnectedAt = gone;
    const onLost = [task({ on: 1 }), task({ on: 1 })];
    const p = plan(service(), [...onLost, task({ on: 2 })], { instances: lost });
    assert.deepEqual(p.abandon.map((a) => a.taskArn), onLost.map((t) => t.taskArn));
    assert.equal(launched(p), 2);
    const recent = instances(instance(1, { agentConnected: false }), instance(2));
    recent.get(instanceArn(1))!.record.agentDisconnectedAt = new Date(NOW.getTime() - 5_000);
    const waiting = plan(service(), [...onLost, task({ on: 2 })], { instances: recent });
    assert.deepEqual(waiting.abandon, []);
    assert.equal(launched(waiting), 0);
    assert.equal(waiting.requeueAfterMs, SCHEDULER_DEFAULTS.lostAfterMs - 5_000);
  });

  test('right after the control plane restarts, agents have time to reconnect before their instances count as lost', () => {
    const lost = instances(instance(1, { agentConnected: false }), instance(2));
    lost.get(instanceArn(1))!.record.agentDisconnectedAt = at(0);
    const expectedBy = new Date(NOW.getTime() + 10_000);
    const p = reconcileService({ service: service({ desiredCount: 1 }), tasks: [task({ on: 1 })], instances: lost, agentsExpectedBy: expectedBy }, NOW);
    assert.deepEqual(p.abandon, []);
    assert.equal(p.requeueAfterMs, 10_000);
  });

  test('a deregistered instance is lost at once', () => {
    const p = plan(service({ desiredCount: 1 }), [task({ on: 1 })], { instances: instances(instance(1, { status: 'INACTIVE' })) });
    assert.equal(p.abandon.length, 1);
    assert.equal(p.abandon[0]!.cause.stopCode, 'ServiceSchedulerInitiated');
  });
});

describe('container health checks', () => {
  test('an UNHEALTHY task past the grace period is stopped and replaced', () => {
    const sick = task({ checked: true, healthStatus: 'UNHEALTHY' });
    const p = plan(service({ desiredCount: 1 }), [sick]);
    assert.deepEqual(stopped(p), [sick.taskArn]);
    assert.equal(p.stops[0]!.cause.stoppedReason, 'Task failed container health checks');
    assert.equal(launched(p), 1);
    assert.ok(p.events.includes(`(service web) (task ${sick.taskArn.split('/').at(-1)}) failed container health checks.`));
  });

  test('within healthCheckGracePeriodSeconds it is left alone', () => {
    const sick = task({ checked: true, healthStatus: 'UNHEALTHY', startedAt: new Date(NOW.getTime() - 10_000) });
    const p = plan(service({ desiredCount: 1, healthCheckGracePeriodSeconds: 60 }), [sick]);
    assert.deepEqual(p.stops, []);
    assert.equal(p.requeueAfterMs, 50_000);
  });
});

describe('DAEMON', () => {
  const daemon = (o: Partial<ServiceRecord> = {}) =>
    service({ schedulingStrategy: 'DAEMON', desiredCount: 0, deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 0 }, ...o });

  test('one task on every ACTIVE instance its constraints admit', () => {
    const all = instances(instance(1), instance(2), instance(3, { status: 'DRAINING' }), instance(4));
    all.get(instanceArn(4))!.eligible = false;
    const p = plan(daemon(), [task({ on: 1 })], { instances: all });
    assert.deepEqual(p.launches.map((l) => [l.containerInstanceArn, l.count]), [[instanceArn(2), 1]]);
    assert.equal(p.service.desiredCount, 2);
  });

  test('a draining instance loses its task; duplicates go', () => {
    const all = instances(instance(1, { status: 'DRAINING' }), instance(2));
    const onDraining = task({ on: 1 });
    const first = task({ on: 2, createdAt: at(1) });
    const duplicate = task({ on: 2, createdAt: at(2) });
    const p = plan(daemon(), [onDraining, first, duplicate], { instances: all });
    assert.deepEqual(stopped(p).sort(), [onDraining.taskArn, duplicate.taskArn].sort());
  });

  test('a new deployment replaces each instance task in turn: stop (min 0), then start where nothing is left', () => {
    const svc = daemon({ deployments: [deployment(NEW), deployment(OLD, { status: 'ACTIVE' })] });
    const oldOn1 = task({ on: 1, startedBy: OLD });
    const stoppingOn2 = task({ on: 2, startedBy: OLD, desiredStatus: 'STOPPED' });
    const p = plan(svc, [oldOn1, stoppingOn2], { instances: instances(instance(1), instance(2), instance(3)) });
    assert.deepEqual(stopped(p), [oldOn1.taskArn]);
    assert.deepEqual(p.launches.map((l) => l.containerInstanceArn), [instanceArn(3)]);
  });

  test('a disconnected instance keeps its task but gets no new one', () => {
    const all = instances(instance(1, { agentConnected: false }));
    all.get(instanceArn(1))!.record.agentDisconnectedAt = new Date(NOW.getTime() - 1000);
    assert.deepEqual(plan(daemon(), [], { instances: all }).launches, []);
  });
});

describe('DeleteService', () => {
  test('a DRAINING service stops every task whatever its configuration, then becomes INACTIVE', () => {
    const tasks = [task(), task()];
    const p = plan(service({ status: 'DRAINING', desiredCount: 0 }), tasks);
    assert.deepEqual(stopped(p).sort(), tasks.map((t) => t.taskArn).sort());
    assert.equal(p.service.status, 'DRAINING');
    const done = plan(p.service, [task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated', serviceAccounted: true })]);
    assert.equal(done.service.status, 'INACTIVE');
    assert.deepEqual(done.service.deletedAt, NOW);
    assert.equal(plan(done.service, []).service, done.service, 'an INACTIVE service is left alone');
  });
});

describe('task scale-in protection', () => {
  const until = (ms: number) => ({ protectedUntil: new Date(NOW.getTime() + ms) });

  test('scale-in passes over protected tasks, keeps more than desired while it must, and plans again at expiry', () => {
    const [a, b, c] = [task(until(60_000)), task(until(120_000)), task()];
    const p = plan(service({ desiredCount: 1 }), [a, b, c]);
    assert.deepEqual(stopped(p), [c.taskArn]);
    assert.equal(launched(p), 0);
    assert.equal(p.service.deployments[0]!.rolloutState, 'IN_PROGRESS', 'not steady while protected extras run');
    assert.equal(p.requeueAfterMs, 60_000);
    const expired = plan(service({ desiredCount: 1 }), [a, b], { now: new Date(NOW.getTime() + 60_000) });
    assert.deepEqual(stopped(expired), [a.taskArn]);
  });

  test('a deployment does not replace a protected task until its protection ends; unprotected ones go as usual', () => {
    const rolling = service({ desiredCount: 2 }, [deployment(NEW, { desiredCount: 2 }), deployment(OLD, { status: 'ACTIVE', rolloutState: 'COMPLETED', launched: true })]);
    const [kept, free] = [task({ startedBy: OLD, ...until(30_000) }), task({ startedBy: OLD })];
    const p = plan(rolling, [kept, free, task(), task()]);
    assert.deepEqual(stopped(p), [free.taskArn]);
    assert.equal(p.requeueAfterMs, 30_000);
    assert.deepEqual(p.service.deployments.map((d) => d.id), [NEW, OLD], 'the old deployment stays while its protected task runs');
    const removed = plan(rolling, [{ ...kept, protectedUntil: undefined }, task(), task()]);
    assert.deepEqual(stopped(removed), [kept.taskArn]);
  });

  test('protection does not keep a task that fails its health checks', () => {
    const sick = task({ ...until(60_000), checked: true, healthStatus: 'UNHEALTHY' });
    const p = plan(service({ desiredCount: 1 }), [sick]);
    assert.deepEqual(stopped(p), [sick.taskArn]);
  });
});

describe('traffic-shifting deployments (BLUE_GREEN, LINEAR, CANARY)', () => {
  const config = { maximumPercent: 200, minimumHealthyPercent: 100, strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 0 };
  const shifting = (stage: NonNullable<DeploymentRecord['trafficShift']>['stage'], productionPercent = 0) =>
    service({ deploymentConfiguration: config }, [
      deployment(NEW, { trafficShift: { stage, stageStartedAt: at(0), productionPercent } }),
      deployment(OLD, { status: 'ACTIVE', rolloutState: 'COMPLETED' }),
    ]);
  const blue = () => [1, 2, 3].map((on) => task({ startedBy: OLD, on }));

  test('green scales up to the full desired count beside blue, whatever maximumPercent says', () => {
    const svc = shifting('RECONCILE_SERVICE');
    const p = plan({ ...svc, deploymentConfiguration: { ...config, maximumPercent: 100 } }, blue());
    assert.equal(launched(p), 3);
    assert.deepEqual(stopped(p), []);
    assert.equal(p.service.deployments[0]!.trafficShift!.stage, 'SCALE_UP');
  });

  test('once green is healthy, traffic shifts; blue stays until CLEAN_UP, then leaves and the deployment completes', () => {
    const green = [1, 2, 3].map((on) => task({ on }));
    const shifted = plan(shifting('SCALE_UP'), [...blue(), ...green]);
    // With no bake time the shift runs through to CLEAN_UP in one pass, and blue is told to stop.
    assert.equal(shifted.service.deployments[0]!.trafficShift!.stage, 'CLEAN_UP');
    assert.equal(shifted.stops.length, 3);
    const baking = plan({ ...shifting('SCALE_UP'), deploymentConfiguration: { ...config, bakeTimeInMinutes: 10 } }, [...blue(), ...green]);
    assert.deepEqual([baking.service.deployments[0]!.trafficShift!.stage, baking.stops.length, baking.requeueAfterMs], ['BAKE_TIME', 0, 10 * 60_000]);
    const done = plan(shifting('CLEAN_UP', 100), green);
    assert.equal(done.service.deployments[0]!.rolloutState, 'COMPLETED');
    assert.equal(done.service.deployments[0]!.trafficShift, undefined);
  });

  test('an alarm in ALARM fails the deployment and rolls back to blue, which keeps its tasks', () => {
    const svc = { ...shifting('PRODUCTION_TRAFFIC_SHIFT', 30), deploymentConfiguration: { ...config, alarms: { enable: true, rollback: true, alarmNames: ['errors'] } } };
    const completed = { ...svc.deployments[1]!, status: 'PRIMARY' as const };
    const green = [1, 2, 3].map((on) => task({ on }));
    const p = reconcileService({ service: { ...svc, completedDeployment: completed }, tasks: [...blue(), ...green], instances: connected, firingAlarms: ['errors'] }, NOW);
    assert.deepEqual(p.service.deployments.map((d) => [d.id, d.status, d.rolloutState]), [[OLD, 'PRIMARY', 'IN_PROGRESS'], [NEW, 'ACTIVE', 'FAILED']]);
    assert.equal(p.transitions[0]?.kind, 'failed');
    assert.equal(p.service.deployments[0]!.trafficShift, undefined);
    assert.equal(p.stops.length, 3);
    assert.ok(p.stops.every((s) => green.some((g) => g.taskArn === s.taskArn)));
  });
});
