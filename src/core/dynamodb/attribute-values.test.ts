import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkItemSize, checkValue, decodeItem, encodeItem, equalValues, itemSize, keyBytes } from './attribute-values.js';

test('item size counts names and values as AWS documents it', () => {
  assert.equal(itemSize({ a: { S: 'héllo' } }), 1 + 6);
  assert.equal(itemSize({ n: { N: '12345' } }), 1 + 4, 'numbers: a byte per two significant digits, plus one');
  assert.equal(itemSize({ b: { BOOL: true }, z: { NULL: true } }), 4);
  assert.equal(itemSize({ l: { L: [{ S: 'ab' }, { N: '1' }] } }), 1 + 3 + (1 + 2) + (1 + 2), 'lists: 3 bytes plus 1 per element');
  assert.equal(itemSize({ m: { M: { k: { S: 'v' } } } }), 1 + 3 + 1 + 1 + 1);
  assert.equal(itemSize({ s: { SS: ['a', 'bc'] } }), 1 + 3);
  assert.doesNotThrow(() => checkItemSize({ k: { S: 'x'.repeat(400 * 1024 - 1) } }));
  assert.throws(() => checkItemSize({ k: { S: 'x'.repeat(400 * 1024) } }), /Item size has exceeded the maximum allowed size/);
});

test('values are checked as AWS checks them', () => {
  assert.throws(() => checkValue({}), /Supplied AttributeValue is empty/);
  assert.throws(() => checkValue({ S: 'a', N: '1' }), /more than one datatypes/);
  assert.throws(() => checkValue({ SS: [] }), /may not be empty/);
  assert.throws(() => checkValue({ NS: ['1', '1.0'] }), /contains duplicates/);
  assert.throws(() => checkValue({ NULL: false }), /must have the value of true/);
  assert.deepEqual(checkValue({ M: { a: { L: [{ N: '01.10' }] } } }), { M: { a: { L: [{ N: '1.1' }] } } });
});

test('equality: sets unordered, numbers by value, binary by bytes', () => {
  assert.ok(equalValues({ SS: ['a', 'b'] }, { SS: ['b', 'a'] }));
  assert.ok(equalValues({ N: '1' }, { N: '1.00' }));
  assert.ok(equalValues({ B: Buffer.from('x') }, { B: new Uint8Array([120]) }));
  assert.ok(!equalValues({ S: '1' }, { N: '1' }));
  assert.ok(equalValues({ M: { a: { L: [{ BOOL: true }] } } }, { M: { a: { L: [{ BOOL: true }] } } }));
});

test('strings and binary keys order by their bytes (UTF-8), as DynamoDB orders them', () => {
  const strings = ['A', 'Z', 'a', 'aa', 'b', 'é', '😀'];
  assert.deepEqual([...strings].reverse().sort((x, y) => Buffer.compare(keyBytes({ S: x }), keyBytes({ S: y }))), strings);
});

test('stored items round-trip, binary included', () => {
  const item = { b: { B: Buffer.from([0, 255]) }, bs: { BS: [Buffer.from('x')] }, m: { M: { n: { N: '1' } } } };
  const back = decodeItem(encodeItem(item));
  assert.ok(equalValues({ M: back }, { M: item }));
});
