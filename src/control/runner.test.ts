// The controller runner driven by a manual clock: triggers coalesce, requeues and retries come when the
// clock says, resyncs repeat, the pace slows under load, and the owner's abort ends it after the reconcile
// under way.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import type { Logger } from '../core/ports.js';
import { fixture, putCluster, type Fixture } from './ecs/fixtures.js';
import { ControllerRunner, every, type Reconcile, type RunnerOptions } from './runner.js';

let f: Fixture;
let seen: string[];
let errors: Record<string, unknown>[];
const stopping: AbortController[] = [];

beforeEach(async () => {
  for (const s of stopping.splice(0)) s.abort();
  f = await fixture();
  seen = [];
  errors = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (_msg, fields) => void errors.push(fields ?? {}), child: () => log };
  f.ctx.log = log;
});

/** Lets every promise and listener that is ready run (the runner waits on nothing else). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function start<K extends string>(reconcile: Reconcile<K>, options: Partial<RunnerOptions<K>> = {}) {
  const stop = new AbortController();
  stopping.push(stop);
  const runner = new ControllerRunner<K>(f.ctx, reconcile, { name: 'test', retryMs: 1000, ...options });
  return { runner, stop, done: runner.run(stop.signal) };
}

const record = (key: string) => void seen.push(key);

describe('ControllerRunner', () => {
  test('triggers within the debounce coalesce into one reconcile per key', async () => {
    const { runner } = start(record, { debounceMs: 20 });
    runner.trigger('a');
    runner.trigger('b');
    runner.trigger('a');
    await settle();
    assert.deepEqual(seen, [], 'nothing before the debounce is over');
    f.advance(20);
    await settle();
    assert.deepEqual(seen, ['a', 'b']);
  });

  test('with a concurrency, that many dirty keys are reconciled at once', async () => {
    const { runner } = start(
      async (key: string) => {
        seen.push(`${key} started`);
        await putCluster(f.ctx, key);
        seen.push(`${key} done`);
      },
      { concurrency: 2 },
    );
    for (const key of ['a', 'b', 'c']) runner.trigger(key);
    for (let i = 0; i < 10 && seen.length < 6; i++) await settle();
    assert.deepEqual(seen, ['a started', 'b started', 'a done', 'b done', 'c started', 'c done']);
    assert.equal(f.ctx.state.count('cluster'), 3);
  });

  test('committed changes trigger the keys they concern', async () => {
    start(record, { triggers: (changes) => changes.map((c) => c.kind) });
    await putCluster(f.ctx);
    await settle();
    assert.deepEqual(seen, ['cluster']);
  });

  test('a requeue reconciles the key again once its time has come; the earlier of two holds', async () => {
    let after = [5000, 1000];
    const { runner } = start((key: string) => {
      seen.push(key);
      return { requeueAfterMs: after.shift() };
    });
    runner.trigger('a');
    await settle();
    runner.trigger('a');
    await settle();
    assert.deepEqual(seen, ['a', 'a']);
    f.advance(999);
    await settle();
    assert.equal(seen.length, 2);
    f.advance(1);
    await settle();
    assert.equal(seen.length, 3, 'the 1000 ms requeue replaced the 5000 ms one');
    after = [];
    f.advance(5000);
    await settle();
    assert.equal(seen.length, 3);
  });

  test('a failing reconcile is logged and retried after retryMs', async () => {
    let failures = 1;
    const { runner } = start(
      (key: string) => {
        seen.push(key);
        if (failures-- > 0) throw new Error('boom');
      },
      { retryMs: 500 },
    );
    runner.trigger('a');
    await settle();
    assert.deepEqual(errors, [{ controller: 'test', key: 'a', err: 'boom' }]);
    f.advance(500);
    await settle();
    assert.deepEqual(seen, ['a', 'a']);
  });

  test('resync reconciles its keys at start and every everyMs', async () => {
    start(record, { resync: { everyMs: 1000, keys: () => ['x', 'y'] } });
    await settle();
    assert.deepEqual(seen, ['x', 'y']);
    f.advance(1000);
    await settle();
    assert.deepEqual(seen, ['x', 'y', 'x', 'y']);
  });

  test('under a stream of triggers, reconciles take at most their busy share of the time', async () => {
    const { runner } = start(
      (key: string) => {
        seen.push(key);
        f.advance(10); // the reconcile costs 10 ms
        runner.trigger('again');
      },
      { busyShare: 0.2 },
    );
    runner.trigger('a');
    await settle();
    assert.deepEqual(seen, ['a']);
    f.advance(39);
    await settle();
    assert.deepEqual(seen, ['a'], '10 ms of work is followed by 40 ms of pause');
    f.advance(1);
    await settle();
    assert.deepEqual(seen, ['a', 'again']);
  });

  test('the owner aborts it: run resolves after the reconcile under way, and later triggers do nothing', async () => {
    let finish!: () => void;
    const { runner, stop, done } = start(async (key: string) => {
      seen.push(key);
      await new Promise<void>((resolve) => (finish = resolve));
      seen.push(`${key} done`);
    });
    runner.trigger('a');
    await settle();
    stop.abort();
    let ended = false;
    void done.then(() => (ended = true));
    await settle();
    assert.equal(ended, false, 'still reconciling');
    finish();
    await done;
    runner.trigger('b');
    await settle();
    assert.deepEqual(seen, ['a', 'a done']);
  });
});

test('every ticks now and then every interval until aborted; a failing tick does not end it', async () => {
  const stop = new AbortController();
  let ticks = 0;
  const done = every(f.ctx, 'test', 100, stop.signal, () => {
    if (++ticks === 1) throw new Error('first');
  });
  await settle();
  f.advance(100);
  await settle();
  assert.equal(ticks, 2);
  stop.abort();
  await done;
});
