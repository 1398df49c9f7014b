import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitByStrategy } from './capacity-strategy.js';

const split = (...args: Parameters<typeof splitByStrategy>) => Object.fromEntries(splitByStrategy(...args));

test('the base first, then by weight', () => {
  const strategy = [
    { capacityProvider: 'FARGATE', base: 2, weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 3 },
  ];
  assert.deepEqual(split(strategy, 1), { FARGATE: 1, FARGATE_SPOT: 0 });
  assert.deepEqual(split(strategy, 2), { FARGATE: 2, FARGATE_SPOT: 0 });
  assert.deepEqual(split(strategy, 6), { FARGATE: 3, FARGATE_SPOT: 3 });
  assert.deepEqual(split(strategy, 10), { FARGATE: 4, FARGATE_SPOT: 6 });
});

test('a provider of weight 0 gets nothing beyond its base; a lone provider gets everything', () => {
  assert.deepEqual(split([{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 0 }], 5), { FARGATE: 5, FARGATE_SPOT: 0 });
  assert.deepEqual(split([{ capacityProvider: 'FARGATE_SPOT', base: 1, weight: 0 }, { capacityProvider: 'FARGATE', weight: 2 }], 4), { FARGATE_SPOT: 1, FARGATE: 3 });
  assert.deepEqual(split([{ capacityProvider: 'FARGATE_SPOT' }], 3), { FARGATE_SPOT: 3 });
});

test("what a service already runs counts: tasks added one by one land where the shares fall short", () => {
  const strategy = [
    { capacityProvider: 'FARGATE', base: 1, weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: 1 },
  ];
  const running = new Map<string, number>();
  for (let i = 0; i < 7; i++) {
    for (const [name, n] of splitByStrategy(strategy, 1, running)) running.set(name, (running.get(name) ?? 0) + n);
  }
  assert.deepEqual(Object.fromEntries(running), { FARGATE: 4, FARGATE_SPOT: 3 });
  assert.deepEqual(split(strategy, 7), { FARGATE: 4, FARGATE_SPOT: 3 });
  // A provider over its share (spot tasks replaced on demand) gets no more; the others take the new ones.
  assert.deepEqual(split(strategy, 2, new Map([['FARGATE', 5], ['FARGATE_SPOT', 0]])), { FARGATE: 0, FARGATE_SPOT: 2 });
});

test('the split always adds up to the count', () => {
  const strategy = [
    { capacityProvider: 'A', base: 3, weight: 2 },
    { capacityProvider: 'B', weight: 3 },
    { capacityProvider: 'C', weight: 5 },
  ];
  for (let count = 0; count < 40; count++) {
    for (const running of [new Map(), new Map([['B', 9]]), new Map([['A', 1], ['C', 2]])]) {
      const total = [...splitByStrategy(strategy, count, running).values()].reduce((a, b) => a + b, 0);
      assert.equal(total, count, `count ${count}`);
    }
  }
});
