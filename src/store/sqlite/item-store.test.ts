// The SQLite item store for real (in memory): DynamoDB's range-key order, indexes kept with their items,
// segments that split a scan without overlap, and a failing write leaving nothing of itself.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { keyBytes, type Item } from '../../core/dynamodb/attribute-values.js';
import type { ItemLayout } from '../../core/dynamodb/keys.js';
import { SqliteItemStore } from './item-store.js';

const store = new SqliteItemStore(':memory:');
after(() => store.close());

const layout: ItemLayout = {
  tableId: 't1',
  hash: { name: 'pk', type: 'S' },
  range: { name: 'sk', type: 'N' },
  indexes: [{ name: 'byColor', global: true, hash: { name: 'color', type: 'S' }, projection: { ProjectionType: 'KEYS_ONLY' } }],
};
const item = (sk: string, color?: string): Item => ({ pk: { S: 'p' }, sk: { N: sk }, ...(color && { color: { S: color } }), body: { S: 'b' } });
const rows = (range: Parameters<SqliteItemStore['rows']>[1]) => [...store.rows(layout, range)].map((r) => r.item);

test('range keys read back in numeric order, both directions, bounded', async () => {
  await store.write((tx) => ['10', '-2.5', '3', '0', '1e3', '-100'].forEach((sk) => tx.put(layout, item(sk, 'red'), 10)));
  const hash = keyBytes({ S: 'p' });
  assert.deepEqual(rows({ index: '', hash, forward: true }).map((i) => i.sk!.N), ['-100', '-2.5', '0', '3', '10', '1e3']);
  assert.deepEqual(rows({ index: '', hash, forward: false, upper: { key: keyBytes({ N: '3' }), inclusive: false } }).map((i) => i.sk!.N), ['0', '-2.5', '-100']);
});

test('indexes follow their items: projected, sparse, moved and removed with them', async () => {
  const red = () => rows({ index: 'byColor', hash: keyBytes({ S: 'red' }), forward: true });
  assert.equal(red().length, 6);
  assert.deepEqual(Object.keys(red()[0]!).sort(), ['color', 'pk', 'sk'], 'KEYS_ONLY');
  await store.write((tx) => {
    tx.put(layout, item('10', 'blue'), 10);
    tx.put(layout, item('3'), 10);
    tx.delete(layout, item('0'));
  });
  assert.equal(red().length, 3);
  assert.equal(rows({ index: 'byColor', hash: keyBytes({ S: 'blue' }), forward: true }).length, 1);
  assert.deepEqual(store.stats('t1', 'byColor'), { count: 4, bytes: 40 });
});

test('a write that throws leaves nothing, and the writes committed with it stay', async () => {
  const failing = store.write((tx) => {
    tx.put(layout, item('77'), 10);
    throw new Error('refused');
  });
  const fine = store.write((tx) => tx.put(layout, item('78'), 10));
  await assert.rejects(failing, /refused/);
  await fine;
  assert.equal(store.get(layout, item('77')), undefined);
  assert.ok(store.get(layout, item('78')));
});

test('scan segments split the table without overlap', async () => {
  await store.write((tx) => {
    for (let i = 0; i < 200; i++) tx.put({ ...layout, tableId: 't2' }, { pk: { S: `k${i}` }, sk: { N: '1' } }, 1);
  });
  const t2 = { ...layout, tableId: 't2' };
  const seen = [0, 1, 2, 3].flatMap((segment) => [...store.rows(t2, { index: '', forward: true, segment: { segment, total: 4 } })].map((r) => r.item.pk!.S));
  assert.equal(seen.length, 200);
  assert.equal(new Set(seen).size, 200);
  await store.drop('t2');
  assert.deepEqual(store.stats('t2'), { count: 0, bytes: 0 });
});
