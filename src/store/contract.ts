// The contract every Store implementation passes (SQLite now, PostgreSQL next): call it from each
// implementation's test file with a factory that opens a store at a given location.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Store } from '../core/ports.js';

export function storeContract(name: string, open: () => Promise<{ store: Store; reopen: () => Promise<Store> }>) {
  test(`${name}: commits are durable and atomic`, async () => {
    const { store, reopen } = await open();
    const at = new Date('2026-01-02T03:04:05.678Z');
    await store.commit([
      { kind: 'task', id: 'a', doc: { taskArn: 'a', createdAt: at, nested: { list: [1, 'x', null] } } },
      { kind: 'cluster', id: 'c', doc: { clusterName: 'c' } },
    ]);
    await store.commit([{ kind: 'cluster', id: 'c', doc: null }]);
    await store.commit([{ kind: 'task', id: 'a', doc: { taskArn: 'a', createdAt: at, version: 2 } }]);
    await store.close();
    const again = await reopen();
    const records = await again.load();
    assert.deepEqual(records, [{ kind: 'task', id: 'a', doc: { taskArn: 'a', createdAt: at, version: 2 } }]);
    assert.ok((records[0]!.doc as { createdAt: Date }).createdAt instanceof Date);
    await again.close();
  });

  test(`${name}: a failing commit leaves nothing behind`, async () => {
    const { store } = await open();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await assert.rejects(async () =>
      store.commit([
        { kind: 'task', id: 'ok', doc: { fine: true } },
        { kind: 'task', id: 'bad', doc: circular },
      ]),
    );
    assert.deepEqual(await store.load(), []);
    await store.close();
  });
}
