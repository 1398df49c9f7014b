import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttributeValue, Item } from './attribute-values.js';
import { applyUpdate, evaluate, project } from './evaluate.js';
import { ExpressionContext, parseCondition, parseKeyCondition, parseProjection, parseUpdate } from './expressions.js';

const values: Record<string, AttributeValue> = {
  ':one': { N: '1' },
  ':two': { N: '2' },
  ':ten': { N: '10' },
  ':s': { S: 'shoe' },
  ':sh': { S: 'sh' },
  ':S': { S: 'S' },
  ':list': { L: [{ S: 'z' }] },
  ':set': { SS: ['red'] },
  ':both': { SS: ['red', 'blue'] },
};
const names = { '#n': 'name', '#dot': 'a.b' };
const item: Item = {
  id: { S: 'k' },
  name: { S: 'shoe' },
  price: { N: '5' },
  colors: { SS: ['red', 'blue'] },
  sizes: { L: [{ N: '40' }, { N: '41' }, { M: { eu: { N: '42' } } }] },
  'a.b': { BOOL: true },
  info: { M: { maker: { S: 'acme' }, tags: { L: [{ S: 'x' }] } } },
};

const ctx = () => new ExpressionContext(names, values);
const holds = (expression: string) => evaluate(item, parseCondition(expression, ctx()));

test('conditions: comparators, BETWEEN, IN, AND/OR/NOT with precedence, functions', () => {
  assert.ok(holds('#n = :s'));
  assert.ok(holds('price <> :one AND price > :two AND price >= :two AND price < :ten AND price <= :ten'));
  assert.ok(holds('price BETWEEN :two AND :ten'));
  assert.ok(holds('price IN (:one, :two, :ten) OR #n IN (:s)'));
  assert.ok(holds('NOT price = :one AND (price = :one OR price > :one)'));
  assert.ok(holds('price = :one OR price > :two AND #n = :s'), 'AND binds tighter than OR');
  assert.ok(holds('attribute_exists(info.maker) AND attribute_not_exists(info.nothing) AND attribute_type(#n, :S)'));
  assert.throws(() => holds('contains(colors, :s) = :one'), /Syntax error/, 'a function is not an operand');
});

test('conditions: functions and sizes on nested paths and list indexes', () => {
  assert.ok(holds('contains(#n, :sh) AND begins_with(#n, :sh)'));
  assert.ok(holds('size(sizes) = :two') === false);
  assert.ok(holds('size(colors) = :two'));
  assert.ok(holds('sizes[2].eu > :ten AND #dot = #dot'));
  assert.ok(!holds('absent = :one'), 'a missing attribute is equal to nothing');
  assert.ok(holds('absent <> :one'), 'and different from everything');
  assert.ok(!holds('#n < :one'), 'values of different types do not compare');
});

test('syntax and reference errors carry AWS wording', () => {
  assert.throws(() => parseCondition('price = ', ctx()), /Invalid ConditionExpression: Syntax error; token: <EOF>, near: "= "/);
  assert.throws(() => parseCondition('size = :one', ctx()), /reserved keyword; reserved keyword: size/);
  assert.throws(() => parseCondition('#x = :one', ctx()), /attribute name used in the document path is not defined; attribute name: #x/);
  assert.throws(() => parseCondition('foo(price)', ctx()), /Invalid function name; function: foo/);
  assert.throws(() => parseCondition('attribute_exists(:one)', ctx()), /requires a document path/);
  assert.throws(() => parseCondition('attribute_type(price, :one)', ctx()), /Invalid attribute type name found/);
  assert.throws(() => evaluate(item, parseCondition('price BETWEEN :ten AND :one', ctx())), /BETWEEN operator requires upper bound to be greater than or equal to lower bound/);
  const used = ctx();
  parseCondition('#n = :s', used);
  assert.throws(() => used.checkAllUsed(), /ExpressionAttributeNames unused in expressions: keys: \{#dot\}/);
});

test('updates: SET arithmetic and functions, REMOVE, ADD, DELETE, all read from the item as it was', () => {
  const update = (expression: string) => applyUpdate(item, parseUpdate(expression, ctx()), ['id']);
  const next = update('SET price = price + :ten, cost = price - :one, sizes[1] = :ten, sizes[9] = :one, info.tags = list_append(:list, info.tags), fresh = if_not_exists(fresh, :two), #n = if_not_exists(#n, :two) REMOVE #dot ADD visits :one DELETE colors :set');
  assert.deepEqual(next.price, { N: '15' });
  assert.deepEqual(next.cost, { N: '4' }, 'the old price');
  assert.deepEqual(next.sizes!.L!.map((v) => v.N ?? 'map'), ['40', '10', 'map', '1'], 'an index past the end appends');
  assert.deepEqual(next.info!.M!.tags, { L: [{ S: 'z' }, { S: 'x' }] });
  assert.deepEqual(next.fresh, { N: '2' });
  assert.deepEqual(next.name, { S: 'shoe' });
  assert.equal(next['a.b'], undefined);
  assert.deepEqual(next.visits, { N: '1' });
  assert.deepEqual(next.colors, { SS: ['blue'] });
  assert.deepEqual(update('ADD colors :set').colors, { SS: ['red', 'blue'] }, 'sets hold each member once');
  assert.equal(update('DELETE colors :both').colors, undefined, 'an emptied set is removed');
  assert.deepEqual(item.price, { N: '5' }, 'the original is untouched');
  assert.deepEqual(update('REMOVE sizes[0], sizes[1]').sizes, { L: [{ M: { eu: { N: '42' } } }] });
  assert.throws(() => update('SET id = :s'), /Cannot update attribute id. This attribute is part of the key/);
  assert.throws(() => update('SET price = #n + :one'), /incorrect data type/);
  assert.throws(() => update('SET nothing.deeper = :one'), /document path provided in the update expression is invalid/);
  assert.throws(() => update('ADD #n :s'), /Incorrect operand type for operator or function; operator: ADD, operand type: STRING/);
  assert.throws(() => parseUpdate('SET a = :one SET b = :one', ctx()), /"SET" section can only be used once/);
  assert.throws(() => parseUpdate('SET a = :one REMOVE a', ctx()), /Two document paths overlap/);
  assert.throws(() => parseUpdate('SET a[0] = :one, a.b = :one', ctx()), /Two document paths conflict/);
});

test('projections keep nesting and compact list elements', () => {
  assert.deepEqual(project(item, parseProjection('info.maker, sizes[2].eu, sizes[0], #n, nothing', ctx())), {
    info: { M: { maker: { S: 'acme' } } },
    sizes: { L: [{ N: '40' }, { M: { eu: { N: '42' } } }] },
    name: { S: 'shoe' },
  });
});

test('key conditions: partition equality and one sort-key condition', () => {
  const kc = parseKeyCondition('id = :s AND begins_with(sk, :sh)', ctx(), 'id', 'sk');
  assert.deepEqual(kc, { hash: { name: 'id', value: { S: 'shoe' } }, range: { name: 'sk', op: 'begins_with', values: [{ S: 'sh' }] } });
  assert.equal(parseKeyCondition('(sk BETWEEN :one AND :two) AND id = :s', ctx(), 'id', 'sk').range?.op, 'between');
  assert.throws(() => parseKeyCondition('sk = :one', ctx(), 'id', 'sk'), /Query condition missed key schema element: id/);
  assert.throws(() => parseKeyCondition('id > :one', ctx(), 'id', 'sk'), /Query key condition not supported/);
  assert.throws(() => parseKeyCondition('id = :one OR sk = :one', ctx(), 'id', 'sk'), /KeyConditionExpression/);
  assert.throws(() => parseKeyCondition('id = :one AND extra = :one', ctx(), 'id', 'sk'), /Query condition missed key schema element/);
});
