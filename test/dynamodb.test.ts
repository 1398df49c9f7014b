// DynamoDB end to end: a real `wharf up`, @aws-sdk/client-dynamodb and boto3 as users write them. Tables with
// indexes, every item operation, expressions, paging, batches, transactions, TTL, tags; bad input answered
// as AWS answers it with nothing half-written; items kept across a restart.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TagResourceCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const run = promisify(execFile);
let wharf: WharfProcess;
let db: DynamoDBClient;

before(async () => {
  wharf = await startWharf();
  db = new DynamoDBClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
  await db.send(
    new CreateTableCommand({
      TableName: 'orders',
      AttributeDefinitions: [
        { AttributeName: 'customer', AttributeType: 'S' },
        { AttributeName: 'order', AttributeType: 'N' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'total', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'customer', KeyType: 'HASH' },
        { AttributeName: 'order', KeyType: 'RANGE' },
      ],
      LocalSecondaryIndexes: [{ IndexName: 'byTotal', KeySchema: [{ AttributeName: 'customer', KeyType: 'HASH' }, { AttributeName: 'total', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'order', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
      BillingMode: 'PAY_PER_REQUEST',
      Tags: [{ Key: 'team', Value: 'shop' }],
    }),
  );
});

after(async () => {
  db?.destroy();
  await wharf?.stop();
});

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string | number): AttributeValue => ({ N: String(n) });

async function rejects(promise: Promise<unknown>, name: string, message?: RegExp): Promise<Error> {
  const error = (await promise.then(
    () => assert.fail(`expected ${name}`),
    (e: unknown) => e,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  assert.equal(error.name, name, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

test('tables: created CREATING then ACTIVE, described with indexes, listed in pages, tagged', async () => {
  const { Table } = await db.send(new DescribeTableCommand({ TableName: 'orders' }));
  assert.equal(Table?.TableStatus, 'ACTIVE');
  assert.equal(Table?.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/orders');
  assert.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'ACTIVE');
  assert.equal(Table?.LocalSecondaryIndexes?.[0]?.IndexName, 'byTotal');
  const created = await db.send(new CreateTableCommand({ TableName: 'plain', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }));
  assert.equal(created.TableDescription?.TableStatus, 'CREATING');
  assert.equal(created.TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, 5);
  await rejects(db.send(new CreateTableCommand({ TableName: 'plain', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' })), 'ResourceInUseException');
  const first = await db.send(new ListTablesCommand({ Limit: 1 }));
  assert.deepEqual(first.TableNames, ['orders']);
  assert.equal(first.LastEvaluatedTableName, 'orders');
  const second = await db.send(new ListTablesCommand({ ExclusiveStartTableName: 'orders' }));
  assert.deepEqual(second.TableNames, ['plain']);
  await db.send(new TagResourceCommand({ ResourceArn: Table!.TableArn, Tags: [{ Key: 'env', Value: 'test' }] }));
  const { Tags } = await db.send(new ListTagsOfResourceCommand({ ResourceArn: Table!.TableArn }));
  assert.deepEqual(Tags?.map((t) => t.Key).sort(), ['env', 'team']);
  await db.send(new DeleteTableCommand({ TableName: 'plain' }));
  await rejects(db.send(new DescribeTableCommand({ TableName: 'plain' })), 'ResourceNotFoundException', /Table: plain not found/);
});

test('bad table definitions are refused as AWS refuses them', async () => {
  const base = { TableName: 'bad', BillingMode: 'PAY_PER_REQUEST' as const, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }] };
  await rejects(db.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' }] })), 'ValidationException', /Some index key attributes are not defined/);
  await rejects(db.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'x', AttributeType: 'S' }] })), 'ValidationException', /does not exactly match/);
  await rejects(db.send(new CreateTableCommand({ ...base, BillingMode: 'PROVISIONED', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] })), 'ValidationException', /must both be specified/);
  await rejects(db.send(new CreateTableCommand({ ...base, AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], TableName: 'a' })), 'ValidationException', /tableName/);
  const { TableNames } = await db.send(new ListTablesCommand({}));
  assert.ok(!TableNames?.includes('bad'));
});

test('items: put, get, update with every action, delete, conditions and return values', async () => {
  const key = { customer: S('ann'), order: N(1) };
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, status: S('open'), total: N('10.50'), tags: { SS: ['a', 'b'] }, lines: { L: [S('x'), S('y')] }, meta: { M: { source: S('web') } }, gone: { NULL: true }, labels: { SS: ['a', 'd'] } } }));
  const { Item } = await db.send(new GetItemCommand({ TableName: 'orders', Key: key }));
  assert.deepEqual(Item?.total, N('10.5'), 'numbers answered canonical');
  const updated = await db.send(
    new UpdateItemCommand({
      TableName: 'orders',
      Key: key,
      UpdateExpression: 'SET #t = #t + :inc, #l = list_append(#l, :more), meta.#src = :app, seen = if_not_exists(seen, :zero) REMOVE gone ADD visits :one, tags :c DELETE labels :a',
      ConditionExpression: '#st = :open AND attribute_exists(#t) AND size(#l) BETWEEN :one AND :five',
      ExpressionAttributeNames: { '#src': 'source', '#st': 'status', '#t': 'total', '#l': 'lines' },
      ExpressionAttributeValues: { ':inc': N('0.25'), ':more': { L: [S('z')] }, ':app': S('app'), ':zero': N(0), ':one': N(1), ':five': N(5), ':c': { SS: ['c'] }, ':a': { SS: ['a'] }, ':open': S('open') },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const after = updated.Attributes!;
  assert.deepEqual(after.total, N('10.75'));
  assert.deepEqual(after.lines, { L: [S('x'), S('y'), S('z')] });
  assert.equal(after.gone, undefined);
  assert.deepEqual(after.meta, { M: { source: S('app') } });
  assert.deepEqual(after.seen, N(0));
  assert.deepEqual(after.visits, N(1));
  assert.deepEqual(after.tags?.SS?.sort(), ['a', 'b', 'c']);
  assert.deepEqual(after.labels, { SS: ['d'] });

  const failed = (await rejects(
    db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, status: S('x') }, ConditionExpression: 'attribute_not_exists(customer)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    'ConditionalCheckFailedException',
  )) as ConditionalCheckFailedException;
  assert.deepEqual(failed.Item?.total, N('10.75'), 'the item comes with the failure when asked');
  const old = await db.send(new UpdateItemCommand({ TableName: 'orders', Key: key, UpdateExpression: 'SET #st = :s', ExpressionAttributeNames: { '#st': 'status' }, ExpressionAttributeValues: { ':s': S('paid') }, ReturnValues: 'UPDATED_OLD' }));
  assert.deepEqual(old.Attributes, { status: S('open') });
  const projected = await db.send(new GetItemCommand({ TableName: 'orders', Key: key, ProjectionExpression: 'meta.#s, #l[1], #t', ExpressionAttributeNames: { '#s': 'source', '#l': 'lines', '#t': 'total' } }));
  assert.deepEqual(projected.Item, { meta: { M: { source: S('app') } }, lines: { L: [S('y')] }, total: N('10.75') });
  const deleted = await db.send(new DeleteItemCommand({ TableName: 'orders', Key: key, ReturnValues: 'ALL_OLD', ConditionExpression: 'contains(tags, :b)', ExpressionAttributeValues: { ':b': S('b') } }));
  assert.deepEqual(deleted.Attributes?.status, S('paid'));
  assert.equal((await db.send(new GetItemCommand({ TableName: 'orders', Key: key }))).Item, undefined);
});

test('legacy parameters: Expected, AttributeUpdates, KeyConditions, QueryFilter, AttributesToGet', async () => {
  const key = { customer: S('legacy'), order: N(1) };
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, stock: N(5) }, Expected: { customer: { Exists: false } } }));
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, Expected: { customer: { Exists: false } } })), 'ConditionalCheckFailedException');
  await db.send(new UpdateItemCommand({ TableName: 'orders', Key: key, AttributeUpdates: { stock: { Action: 'ADD', Value: N(-2) }, note: { Action: 'PUT', Value: S('n') } }, Expected: { stock: { ComparisonOperator: 'GE', AttributeValueList: [N(2)] } } }));
  const page = await db.send(new QueryCommand({ TableName: 'orders', KeyConditions: { customer: { ComparisonOperator: 'EQ', AttributeValueList: [S('legacy')] } }, QueryFilter: { stock: { ComparisonOperator: 'BETWEEN', AttributeValueList: [N(1), N(3)] } }, AttributesToGet: ['stock', 'note'] }));
  assert.deepEqual(page.Items, [{ stock: N(3), note: S('n') }]);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, Expected: { stock: { Exists: false } }, ConditionExpression: 'attribute_exists(stock)' })), 'ValidationException', /Can not use both expression and non-expression parameters/);
  await db.send(new DeleteItemCommand({ TableName: 'orders', Key: key }));
});

test('bad items and expressions are refused, and nothing is written', async () => {
  const key = { customer: S('bad'), order: N(1) };
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: S('bad') } })), 'ValidationException', /Missing the key order/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: S('bad'), order: S('1') } })), 'ValidationException', /Type mismatch for key order expected: N actual: S/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, status: N(1) } })), 'ValidationException', /Type mismatch for Index Key status/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, big: S('x'.repeat(400 * 1024)) } })), 'ValidationException', /Item size has exceeded the maximum allowed size/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, n: N('1'.repeat(39)) } })), 'ValidationException', /38 significant digits/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, s: { SS: ['a', 'a'] } } })), 'ValidationException', /duplicates/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, ConditionExpression: 'status = :s', ExpressionAttributeValues: { ':s': S('x') } })), 'ValidationException', /reserved keyword; reserved keyword: status/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, ConditionExpression: 'a = :s AND', ExpressionAttributeValues: { ':s': S('x') } })), 'ValidationException', /Syntax error; token: <EOF>/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, ConditionExpression: 'a = :s', ExpressionAttributeValues: { ':s': S('x'), ':unused': S('y') } })), 'ValidationException', /unused in expressions: keys: \{:unused\}/);
  await rejects(db.send(new PutItemCommand({ TableName: 'orders', Item: key, ConditionExpression: 'a = :missing' })), 'ValidationException', /attribute value used in expression is not defined; attribute value: :missing/);
  await rejects(db.send(new UpdateItemCommand({ TableName: 'orders', Key: key, UpdateExpression: 'SET a = :x, a.b = :x', ExpressionAttributeValues: { ':x': S('x') } })), 'ValidationException', /Two document paths overlap/);
  await rejects(db.send(new UpdateItemCommand({ TableName: 'orders', Key: key, UpdateExpression: 'SET #o = :x', ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':x': N(2) } })), 'ValidationException', /Cannot update attribute order. This attribute is part of the key/);
  await rejects(db.send(new UpdateItemCommand({ TableName: 'orders', Key: key, UpdateExpression: 'SET a = a + :x', ExpressionAttributeValues: { ':x': N(2) } })), 'ValidationException', /refers to an attribute that does not exist/);
  await rejects(db.send(new GetItemCommand({ TableName: 'orders', Key: { customer: S('bad') } })), 'ValidationException', /The provided key element does not match the schema/);
  await rejects(db.send(new GetItemCommand({ TableName: 'nope', Key: key })), 'ResourceNotFoundException', /Requested resource not found/);
  assert.equal((await db.send(new GetItemCommand({ TableName: 'orders', Key: key }))).Item, undefined);

  // An update that would make the item too large is refused, alone or in a transaction, leaving it as it was.
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { ...key, note: S('x'.repeat(300 * 1024)) } }));
  const grow = { TableName: 'orders', Key: key, UpdateExpression: 'SET more = :m', ExpressionAttributeValues: { ':m': S('y'.repeat(200 * 1024)) } };
  await rejects(db.send(new UpdateItemCommand(grow)), 'ValidationException', /Item size has exceeded the maximum allowed size/);
  const cancelled = (await rejects(db.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: grow }] })), 'TransactionCanceledException')) as TransactionCanceledException;
  assert.equal(cancelled.CancellationReasons?.[0]?.Code, 'ValidationError');
  const { Item } = await db.send(new GetItemCommand({ TableName: 'orders', Key: key }));
  assert.equal(Item?.more, undefined);
  await db.send(new DeleteItemCommand({ TableName: 'orders', Key: key }));
});

test('query: key conditions in DynamoDB order, both directions, pages, filters, counts, indexes', async () => {
  const orders = [-5, 0, 1.5, 2, 10, 100, 1e3].map((n, i) => ({ customer: S('bob'), order: N(n), status: S(i % 2 ? 'open' : 'done'), total: N(100 - i) }));
  await db.send(new BatchWriteItemCommand({ RequestItems: { orders: orders.map((Item) => ({ PutRequest: { Item } })) } }));
  const all = await db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('bob') } }));
  assert.deepEqual(all.Items?.map((i) => i.order?.N), ['-5', '0', '1.5', '2', '10', '100', '1000'], 'numbers ordered by value');
  const back = await db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c AND #o BETWEEN :lo AND :hi', ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':c': S('bob'), ':lo': N(0), ':hi': N(10) }, ScanIndexForward: false }));
  assert.deepEqual(back.Items?.map((i) => i.order?.N), ['10', '2', '1.5', '0']);
  const seen: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c', ExpressionAttributeValues: { ':c': S('bob') }, Limit: 3, ExclusiveStartKey: start }));
    seen.push(...page.Items!.map((i) => i.order!.N!));
    start = page.LastEvaluatedKey;
  } while (start);
  assert.deepEqual(seen, ['-5', '0', '1.5', '2', '10', '100', '1000']);
  const filtered = await db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c', FilterExpression: '#s IN (:o)', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':c': S('bob'), ':o': S('open') }, Select: 'COUNT' }));
  assert.equal(filtered.Count, 3);
  assert.equal(filtered.ScannedCount, 7);
  assert.equal(filtered.Items, undefined);
  const byStatus = await db.send(new QueryCommand({ TableName: 'orders', IndexName: 'byStatus', KeyConditionExpression: '#s = :o AND #o > :z', ExpressionAttributeNames: { '#s': 'status', '#o': 'order' }, ExpressionAttributeValues: { ':o': S('open'), ':z': N(0) } }));
  assert.deepEqual(byStatus.Items?.map((i) => i.order?.N), ['2', '100']);
  const byTotal = await db.send(new QueryCommand({ TableName: 'orders', IndexName: 'byTotal', KeyConditionExpression: 'customer = :c AND #t < :t', ExpressionAttributeNames: { '#t': 'total' }, ExpressionAttributeValues: { ':c': S('bob'), ':t': N(96) } }));
  assert.deepEqual(byTotal.Items?.map((i) => Object.keys(i).sort()), [['customer', 'order', 'total'], ['customer', 'order', 'total']], 'KEYS_ONLY');
  await rejects(db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: '#o = :z', ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':z': N(0) } })), 'ValidationException', /Query condition missed key schema element: customer/);
  await rejects(db.send(new QueryCommand({ TableName: 'orders', KeyConditionExpression: 'customer = :c', FilterExpression: '#o > :z', ExpressionAttributeNames: { '#o': 'order' }, ExpressionAttributeValues: { ':c': S('bob'), ':z': N(0) } })), 'ValidationException', /Filter Expression can only contain non-primary key attributes/);
  await rejects(db.send(new QueryCommand({ TableName: 'orders', IndexName: 'byStatus', ConsistentRead: true, KeyConditionExpression: '#s = :o', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':o': S('open') } })), 'ValidationException', /Consistent reads are not supported on global secondary indexes/);
});

test('scan: segments cover the table once; 1 MB pages', async () => {
  const big = 'x'.repeat(300 * 1024);
  for (let i = 0; i < 5; i++) await db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: S(`big${i}`), order: N(i), blob: S(big) } }));
  const page = await db.send(new ScanCommand({ TableName: 'orders' }));
  assert.ok(page.LastEvaluatedKey, 'a scan stops at 1 MB');
  assert.ok(page.Count! <= 5);
  const total = await db.send(new ScanCommand({ TableName: 'orders', Select: 'COUNT', Limit: 1000 }));
  const counts = await Promise.all([0, 1, 2].map(async (Segment) => {
    let count = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const p = await db.send(new ScanCommand({ TableName: 'orders', Segment, TotalSegments: 3, ProjectionExpression: 'customer', ExclusiveStartKey: start }));
      count += p.Count!;
      start = p.LastEvaluatedKey;
    } while (start);
    return count;
  }));
  let all = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const p = await db.send(new ScanCommand({ TableName: 'orders', Select: 'COUNT', ExclusiveStartKey: start }));
    all += p.Count!;
    start = p.LastEvaluatedKey;
  } while (start);
  assert.equal(counts.reduce((a, b) => a + b, 0), all);
  assert.ok(total.Count! > 0);
  await rejects(db.send(new ScanCommand({ TableName: 'orders', Segment: 3, TotalSegments: 3 })), 'ValidationException', /Segment: 3 is not less than TotalSegments: 3/);
  await db.send(new BatchWriteItemCommand({ RequestItems: { orders: [0, 1, 2, 3, 4].map((i) => ({ DeleteRequest: { Key: { customer: S(`big${i}`), order: N(i) } } })) } }));
});

test('batches and transactions: all or nothing, reasons per item, idempotent tokens', async () => {
  const keys = [1, 2, 3].map((n) => ({ customer: S('tx'), order: N(n) }));
  await db.send(new TransactWriteItemsCommand({ TransactItems: keys.map((Key, i) => ({ Put: { TableName: 'orders', Item: { ...Key, stock: N(i + 1) } } })) }));
  const cancelled = (await rejects(
    db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Update: { TableName: 'orders', Key: keys[0], UpdateExpression: 'SET stock = stock - :one', ExpressionAttributeValues: { ':one': N(1) } } },
          { ConditionCheck: { TableName: 'orders', Key: keys[1], ConditionExpression: 'stock > :ten', ExpressionAttributeValues: { ':ten': N(10) }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
          { Delete: { TableName: 'orders', Key: keys[2] } },
        ],
      }),
    ),
    'TransactionCanceledException',
  )) as TransactionCanceledException;
  assert.deepEqual(cancelled.CancellationReasons?.map((r) => r.Code), ['None', 'ConditionalCheckFailed', 'None']);
  assert.deepEqual(cancelled.CancellationReasons?.[1]?.Item?.stock, N(2));
  const got = await db.send(new TransactGetItemsCommand({ TransactItems: keys.map((Key) => ({ Get: { TableName: 'orders', Key } })) }));
  assert.deepEqual(got.Responses?.map((r) => r.Item?.stock?.N), ['1', '2', '3'], 'nothing of the cancelled transaction was written');
  await rejects(db.send(new TransactWriteItemsCommand({ TransactItems: [{ Delete: { TableName: 'orders', Key: keys[0] } }, { Delete: { TableName: 'orders', Key: keys[0] } }] })), 'ValidationException', /multiple operations on one item/);
  const decrement = { TransactItems: [{ Update: { TableName: 'orders', Key: keys[0], UpdateExpression: 'ADD stock :m', ExpressionAttributeValues: { ':m': N(-1) } } }], ClientRequestToken: 'token-1' };
  await db.send(new TransactWriteItemsCommand(decrement));
  await db.send(new TransactWriteItemsCommand(decrement));
  assert.equal((await db.send(new GetItemCommand({ TableName: 'orders', Key: keys[0] }))).Item?.stock?.N, '0', 'a token applies once');
  await rejects(db.send(new TransactWriteItemsCommand({ ...decrement, TransactItems: [{ Delete: { TableName: 'orders', Key: keys[0] } }] })), 'IdempotentParameterMismatchException');
  const batch = await db.send(new BatchGetItemCommand({ RequestItems: { orders: { Keys: keys, ProjectionExpression: 'stock' } } }));
  assert.deepEqual(batch.Responses?.orders?.map((i) => i.stock?.N).sort(), ['0', '2', '3']);
  // The same token sent again while the first is still being applied: TransactionInProgressException (or, once
  // it is done, its answer); either way it applies once.
  const again = { ...decrement, ClientRequestToken: 'token-2' };
  const outcomes = await Promise.allSettled([1, 2, 3].map(() => db.send(new TransactWriteItemsCommand(again))));
  assert.ok(outcomes.some((o) => o.status === 'fulfilled'));
  for (const o of outcomes) if (o.status === 'rejected') assert.equal((o.reason as Error).name, 'TransactionInProgressException');
  assert.equal((await db.send(new GetItemCommand({ TableName: 'orders', Key: keys[0] }))).Item?.stock?.N, '-1', 'a token applies once, even sent concurrently');
  await rejects(db.send(new BatchWriteItemCommand({ RequestItems: { orders: Array.from({ length: 26 }, (_, i) => ({ DeleteRequest: { Key: { customer: S('x'), order: N(i) } } })) } })), 'ValidationException');
});

test('GSI added by UpdateTable is backfilled; TTL deletes expired items', async () => {
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: S('gsi'), order: N(1), region: S('eu'), expires: N(Math.floor(Date.now() / 1000) - 60) } }));
  await db.send(
    new UpdateTableCommand({
      TableName: 'orders',
      AttributeDefinitions: [{ AttributeName: 'region', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byRegion', KeySchema: [{ AttributeName: 'region', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
    }),
  );
  await eventually(async () => {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: 'orders' }));
    return Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'byRegion')?.IndexStatus === 'ACTIVE' || undefined;
  }, 'the new index to be backfilled');
  const found = await db.send(new QueryCommand({ TableName: 'orders', IndexName: 'byRegion', KeyConditionExpression: '#r = :eu', ExpressionAttributeNames: { '#r': 'region' }, ExpressionAttributeValues: { ':eu': S('eu') } }));
  assert.equal(found.Count, 1);
  await db.send(new UpdateTimeToLiveCommand({ TableName: 'orders', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }));
  assert.equal((await db.send(new DescribeTimeToLiveCommand({ TableName: 'orders' }))).TimeToLiveDescription?.TimeToLiveStatus, 'ENABLED');
  await eventually(async () => {
    const { Item } = await db.send(new GetItemCommand({ TableName: 'orders', Key: { customer: S('gsi'), order: N(1) } }));
    return Item === undefined || undefined;
  }, 'the expired item to be deleted');
});

test('UpdateTable: billing mode, index removal, deletion protection', async () => {
  await rejects(db.send(new UpdateTableCommand({ TableName: 'orders', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 } })), 'ValidationException', /ProvisionedThroughput must be specified for index: byStatus/);
  const { TableDescription } = await db.send(
    new UpdateTableCommand({
      TableName: 'orders',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 },
      GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byRegion' } }, { Update: { IndexName: 'byStatus', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
      DeletionProtectionEnabled: true,
    }),
  );
  assert.equal(TableDescription?.TableStatus, 'UPDATING');
  const { Table } = await db.send(new DescribeTableCommand({ TableName: 'orders' }));
  assert.equal(Table?.BillingModeSummary?.BillingMode, 'PROVISIONED');
  assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 7);
  assert.deepEqual(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName), ['byStatus']);
  await rejects(db.send(new QueryCommand({ TableName: 'orders', IndexName: 'byRegion', KeyConditionExpression: '#r = :eu', ExpressionAttributeNames: { '#r': 'region' }, ExpressionAttributeValues: { ':eu': S('eu') } })), 'ValidationException', /does not have the specified index: byRegion/);
  await rejects(db.send(new DeleteTableCommand({ TableName: 'orders' })), 'ValidationException', /protected against manual deletion/);
  await db.send(new UpdateTableCommand({ TableName: 'orders', DeletionProtectionEnabled: false }));
});

test('boto3 and the resource layer work unchanged', async () => {
  const script = `
import boto3, os
from decimal import Decimal
ddb = boto3.resource('dynamodb', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='us-east-1')
t = ddb.Table('orders')
t.put_item(Item={'customer': 'py', 'order': Decimal('12345678901234567890.123456789'), 'nested': {'a': [1, 'two', True, None]}})
from boto3.dynamodb.conditions import Key
r = t.query(KeyConditionExpression=Key('customer').eq('py'))
print(r['Items'][0]['order'], r['Items'][0]['nested']['a'][1])
`;
  const { stdout } = await run('python3', ['-c', script], { env: wharf.env });
  assert.equal(stdout.trim(), '12345678901234567890.123456789 two', 'numbers keep their 38 digits');
});

test('answers carry x-amz-crc32 of their body, as DynamoDB sends it', async () => {
  const { crc32 } = await import('../src/protocol/json.js');
  const seen: { header?: string; body?: Buffer }[] = [];
  const client = new DynamoDBClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers: Record<string, string>; body: AsyncIterable<Uint8Array> };
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      seen.push({ header: response.headers['x-amz-crc32'], body });
      (result.response as { body: unknown }).body = (async function* () {
        yield body;
      })();
      return result;
    },
    { step: 'deserialize', priority: 'low' },
  );
  await client.send(new ListTablesCommand({})).catch(() => undefined);
  client.destroy();
  assert.equal(seen[0]?.header, String(crc32(seen[0]!.body!)));
});

test('IAM policies govern items per table, batches and transactions included', async () => {
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  await iam.send(new CreateUserCommand({ UserName: 'orders-writer' }));
  const ordersArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/orders';
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'orders-writer',
      PolicyName: 'orders',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchWriteItem'], Resource: ordersArn }] }),
    }),
  );
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'orders-writer' }));
  iam.destroy();
  const writer = new DynamoDBClient({ endpoint: wharf.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! } });
  try {
    const item = { customer: S('iam'), order: N(1) };
    await eventually(() => writer.send(new PutItemCommand({ TableName: 'orders', Item: item })).then(() => true, () => undefined), 'the new key to be usable');
    await writer.send(new BatchWriteItemCommand({ RequestItems: { orders: [{ PutRequest: { Item: { ...item, order: N(2) } } }] } }));
    await rejects(writer.send(new DeleteItemCommand({ TableName: 'orders', Key: item })), 'AccessDeniedException');
    await rejects(writer.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'orders', Item: item } }, { Delete: { TableName: 'orders', Key: { ...item, order: N(2) } } }] })), 'AccessDeniedException');
    assert.ok((await db.send(new GetItemCommand({ TableName: 'orders', Key: { ...item, order: N(2) } }))).Item, 'the refused transaction deleted nothing');
  } finally {
    writer.destroy();
  }
});

test('items survive a restart', async () => {
  await db.send(new PutItemCommand({ TableName: 'orders', Item: { customer: S('durable'), order: N(1), note: S('kept') } }));
  await wharf.restart();
  const { Item } = await db.send(new GetItemCommand({ TableName: 'orders', Key: { customer: S('durable'), order: N(1) }, ConsistentRead: true }));
  assert.equal(Item?.note?.S, 'kept');
});
