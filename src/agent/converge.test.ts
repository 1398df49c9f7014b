import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ESSENTIAL_CONTAINER_EXITED } from '../core/task-lifecycle.js';
import { planTask, type ContainerView, type TaskView } from './converge.js';

const NOW = 1_700_000_000_000;

const c = (name: string, extra: Partial<ContainerView> = {}): ContainerView => ({
  name,
  essential: true,
  phase: 'PENDING',
  busy: false,
  started: false,
  dependsOn: [],
  ...extra,
});
const running = (name: string, extra: Partial<ContainerView> = {}) =>
  c(name, { phase: 'RUNNING', started: true, startedAt: NOW - 1000, ...extra });
const exited = (name: string, exitCode: number, extra: Partial<ContainerView> = {}) =>
  c(name, { phase: 'STOPPED', started: true, startedAt: NOW - 1000, exitCode, ...extra });
const task = (containers: ContainerView[], desiredStatus: TaskView['desiredStatus'] = 'RUNNING'): TaskView => ({
  desiredStatus,
  containers,
});

describe('planTask: starting', () => {
  it('starts what need not wait at once (its create pulls a missing image) and pulls what waits', () => {
    const plan = planTask(task([c('app'), c('sidecar', { dependsOn: [{ containerName: 'app', condition: 'HEALTHY' }] })]), NOW);
    assert.deepEqual(plan.start, ['app']);
    assert.deepEqual(plan.pull, ['sidecar']);
    assert.equal(plan.status, 'PENDING');
  });

  it('starts a pulled container without dependencies', () => {
    const plan = planTask(task([c('app', { phase: 'PULLED' })]), NOW);
    assert.deepEqual(plan.start, ['app']);
  });

  it('plans nothing for a container with an action under way', () => {
    const plan = planTask(task([c('app', { busy: true }), c('web', { phase: 'PULLED', busy: true })]), NOW);
    assert.deepEqual(plan, { pull: [], start: [], stop: [], cancel: [], status: 'PENDING' });
  });

  it('is RUNNING once every container has started, including ones that already exited', () => {
    assert.equal(planTask(task([running('app'), running('log')]), NOW).status, 'RUNNING');
    const init = exited('init', 0, { essential: false });
    assert.equal(planTask(task([init, running('app')]), NOW).status, 'RUNNING');
    assert.equal(planTask(task([running('app'), c('web', { phase: 'PULLED' })]), NOW).status, 'PENDING');
  });

  it('waits for a START dependency to have started', () => {
    const web = c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'db', condition: 'START' }] });
    assert.deepEqual(planTask(task([c('db', { phase: 'PULLED' }), web]), NOW).start, ['db']);
    assert.deepEqual(planTask(task([running('db'), web]), NOW).start, ['web']);
  });

  it('waits for a COMPLETE dependency to exit, whatever its code', () => {
    const app = c('app', { phase: 'PULLED', dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] });
    assert.deepEqual(planTask(task([running('init', { essential: false }), app]), NOW).start, []);
    assert.deepEqual(planTask(task([exited('init', 3, { essential: false }), app]), NOW).start, ['app']);
  });

  it('gives up on a SUCCESS dependency that exited non-zero, which stops the task when essential', () => {
    const app = c('app', { phase: 'PULLED', dependsOn: [{ containerName: 'migrate', condition: 'SUCCESS' }] });
    const ok = planTask(task([exited('migrate', 0, { essential: false }), app]), NOW);
    assert.deepEqual(ok.start, ['app']);

    const failed = planTask(task([exited('migrate', 2, { essential: false }), app]), NOW);
    assert.deepEqual(failed.start, []);
    assert.equal(failed.cancel.length, 1);
    assert.equal(failed.cancel[0]!.name, 'app');
    assert.match(failed.cancel[0]!.reason!, /migrate exited with code 2/);
    assert.equal(failed.stopReason, failed.cancel[0]!.reason);
    assert.equal(failed.status, 'STOPPED');
  });

  it('waits for a HEALTHY dependency, and gives up when it stops first', () => {
    const web = c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] });
    assert.deepEqual(planTask(task([running('db', { health: 'UNKNOWN' }), web]), NOW).start, []);
    assert.deepEqual(planTask(task([running('db', { health: 'UNHEALTHY' }), web]), NOW).start, []);
    assert.deepEqual(planTask(task([running('db', { health: 'HEALTHY' }), web]), NOW).start, ['web']);
    const gone = planTask(task([exited('db', 1, { essential: false }), web]), NOW);
    assert.equal(gone.cancel[0]?.name, 'web');
  });

  it("bounds the wait by the dependency's startTimeout", () => {
    const db = running('db', { health: 'UNKNOWN', startedAt: NOW - 4000, startTimeoutSeconds: 10 });
    const web = c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] });
    const waiting = planTask(task([db, web]), NOW);
    assert.equal(waiting.wakeAt, NOW + 6000);
    assert.deepEqual(waiting.cancel, []);
    const late = planTask(task([db, web]), NOW + 6000);
    assert.match(late.cancel[0]!.reason!, /timed out reaching HEALTHY/);
    assert.equal(late.stopReason, late.cancel[0]!.reason);
  });

  it('cancels a container whose dependency never started, and what depends on it in turn', () => {
    const plan = planTask(
      task([
        c('db', { phase: 'STOPPED', essential: false, reason: 'CannotPullContainerError: nope' }),
        c('api', { phase: 'PULLED', essential: false, dependsOn: [{ containerName: 'db', condition: 'START' }] }),
        c('web', { phase: 'PULLED', essential: false, dependsOn: [{ containerName: 'api', condition: 'START' }] }),
        running('log'),
      ]),
      NOW,
    );
    assert.deepEqual(plan.cancel.map((x) => x.name), ['api', 'web']);
    assert.equal(plan.stopReason, undefined);
    assert.equal(plan.status, 'RUNNING');
  });

  it('cancels a container whose dependency is not in the task', () => {
    const plan = planTask(task([c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'ghost', condition: 'START' }] })]), NOW);
    assert.match(plan.cancel[0]!.reason!, /ghost is not in the task/);
  });
});

describe('planTask: stopping', () => {
  it('stops the task when an essential container exits', () => {
    const plan = planTask(task([exited('app', 0), running('sidecar', { essential: false })]), NOW);
    assert.equal(plan.stopReason, ESSENTIAL_CONTAINER_EXITED);
    assert.deepEqual(plan.stop, ['sidecar']);
    assert.equal(plan.status, 'PENDING');
  });

  it('cancels what waits on an essential container that exited, with no failure of its own', () => {
    const web = c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'app', condition: 'HEALTHY' }] });
    const plan = planTask(task([exited('app', 3), web, c('log')]), NOW);
    assert.deepEqual(plan.cancel, [{ name: 'web' }, { name: 'log' }]);
    assert.equal(plan.stopReason, ESSENTIAL_CONTAINER_EXITED);
    assert.equal(plan.status, 'STOPPED');
  });

  it("keeps an exited container's own reason on the container: the task's is that it exited", () => {
    const oom = exited('app', 137, { reason: 'OutOfMemoryError: Container killed due to memory usage' });
    assert.equal(planTask(task([oom]), NOW).stopReason, ESSENTIAL_CONTAINER_EXITED);
  });

  it("carries a failed essential container's reason to the task", () => {
    const plan = planTask(task([c('app', { phase: 'STOPPED', reason: 'CannotPullContainerError: no such image' })]), NOW);
    assert.equal(plan.stopReason, 'CannotPullContainerError: no such image');
    assert.equal(plan.status, 'STOPPED');
  });

  it('lets a non-essential container exit alone', () => {
    const plan = planTask(task([running('app'), exited('cron', 1, { essential: false })]), NOW);
    assert.equal(plan.stopReason, undefined);
    assert.deepEqual(plan.stop, []);
    assert.equal(plan.status, 'RUNNING');
  });

  it('does not go RUNNING when an essential container stopped before the others started', () => {
    const plan = planTask(task([exited('app', 1), running('sidecar')]), NOW);
    assert.equal(plan.status, 'PENDING');
  });

  it('cancels what has not started and stops what runs when the task is desired STOPPED', () => {
    const plan = planTask(task([running('app'), c('web', { phase: 'PULLED' }), c('log')], 'STOPPED'), NOW);
    assert.deepEqual(plan.cancel, [{ name: 'web' }, { name: 'log' }]);
    assert.deepEqual(plan.stop, ['app']);
    assert.deepEqual(plan.pull, []);
    assert.deepEqual(plan.start, []);
    assert.equal(plan.stopReason, undefined);
  });

  it('stops dependents before their dependencies', () => {
    const containers = [
      running('db'),
      running('api', { dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }),
      running('web', { dependsOn: [{ containerName: 'api', condition: 'START' }] }),
    ];
    assert.deepEqual(planTask(task(containers, 'STOPPED'), NOW).stop, ['web']);
    containers[2] = { ...containers[2]!, busy: true };
    assert.deepEqual(planTask(task(containers, 'STOPPED'), NOW).stop, []);
    containers[2] = exited('web', 143);
    assert.deepEqual(planTask(task(containers, 'STOPPED'), NOW).stop, ['api']);
  });

  it('stops everything when a dependency cycle would hold it forever', () => {
    const plan = planTask(
      task(
        [
          running('a', { dependsOn: [{ containerName: 'b', condition: 'START' }] }),
          running('b', { dependsOn: [{ containerName: 'a', condition: 'START' }] }),
        ],
        'STOPPED',
      ),
      NOW,
    );
    assert.deepEqual(plan.stop, ['a', 'b']);
  });

  it('is STOPPED only once every container has stopped and nothing is under way', () => {
    assert.equal(planTask(task([exited('app', 0), exited('b', 0, { busy: true })], 'STOPPED'), NOW).status, 'PENDING');
    assert.equal(planTask(task([exited('app', 0), exited('b', 0)], 'STOPPED'), NOW).status, 'STOPPED');
  });

  it('gives the same plan from the same state', () => {
    const view = task([running('db'), c('web', { phase: 'PULLED', dependsOn: [{ containerName: 'db', condition: 'START' }] })]);
    assert.deepEqual(planTask(view, NOW), planTask(view, NOW));
  });
});
