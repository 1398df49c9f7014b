// Terraform's aws_dynamodb_table (hash and range keys, GSI, LSI, TTL, streams, tags; provisioned with a
// GSI's throughput) and aws_dynamodb_table_item against a real `wharf up`: apply, plan again with no
// changes, destroy. Skipped, saying why, where Terraform or its AWS provider is not on the machine.
import assert from 'node:assert/strict';
import { DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { after, before, test } from 'node:test';
import { skipReason as skip, TerraformWorkspace } from './terraform-harness.js';
import { startWharf, type WharfProcess } from './wharf-process.js';

let wharf: WharfProcess;
let stack: TerraformWorkspace;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  stack = TerraformWorkspace.create('dynamodb', { endpoint: wharf.endpoint, credentials: wharf.credentials });
});

after(async () => {
  await wharf?.stop();
});

test('DynamoDB tables apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  const db = new DynamoDBClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  try {
    await stack.init();
    await stack.apply();
    const outputs = await stack.outputs();
    assert.equal(outputs.orders_arn, 'arn:aws:dynamodb:us-east-1:000000000000:table/tf-orders');
    assert.match(String(outputs.stream_arn), /^arn:aws:dynamodb:us-east-1:000000000000:table\/tf-orders\/stream\//);
    const ttl = await db.send(new DescribeTimeToLiveCommand({ TableName: 'tf-orders' }));
    assert.equal(ttl.TimeToLiveDescription?.AttributeName, 'expires_at');

    assert.equal(await stack.planChanges(), undefined, 'plan shows changes');

    await stack.destroy();
    assert.deepEqual(await stack.stateList(), []);
    assert.deepEqual((await db.send(new ListTablesCommand({}))).TableNames, []);
  } finally {
    db.destroy();
  }
});
