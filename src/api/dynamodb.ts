// Amazon DynamoDB on the gateway (awsJson 1.0): tables as records, items through the item store. DynamoDB
// allows 15 minutes of clock skew, and answers constraint violations with ValidationException.
import { dynamodbRules } from '../control/dynamodb/authorization.js';
import { batchGetItem, batchWriteItem } from '../control/dynamodb/batch.js';
import { createTable } from '../control/dynamodb/create-table.js';
import { deleteTable } from '../control/dynamodb/delete-table.js';
import { describeTable } from '../control/dynamodb/describe-table.js';
import { deleteItem, getItem, putItem, updateItem } from '../control/dynamodb/items.js';
import { describeEndpoints, describeLimits } from '../control/dynamodb/limits.js';
import { listTables } from '../control/dynamodb/list-tables.js';
import { query } from '../control/dynamodb/query.js';
import { scan } from '../control/dynamodb/scan.js';
import { tableController } from '../control/dynamodb/table-controller.js';
import { listTagsOfResource, tagResource, untagResource } from '../control/dynamodb/table-tags.js';
import { describeTimeToLive, updateTimeToLive } from '../control/dynamodb/time-to-live.js';
import { transactGetItems, transactWriteItems } from '../control/dynamodb/transactions.js';
import { updateTable } from '../control/dynamodb/update-table.js';
import { loadModel } from '../protocol/model.js';
import type { ServiceModule } from './module.js';

export const dynamodb: ServiceModule = {
  binding: (ctx) => ({
    model: loadModel('dynamodb'),
    clockSkewMinutes: 15,
    responseCrc32: true,
    validationErrorCode: 'ValidationException',
    handlers: {
      CreateTable: (input) => createTable(ctx, input),
      DescribeTable: (input) => describeTable(ctx, input),
      ListTables: (input) => listTables(ctx, input),
      UpdateTable: (input) => updateTable(ctx, input),
      DeleteTable: (input) => deleteTable(ctx, input),
      DescribeTimeToLive: (input) => describeTimeToLive(ctx, input),
      UpdateTimeToLive: (input) => updateTimeToLive(ctx, input),
      TagResource: (input) => tagResource(ctx, input),
      UntagResource: (input) => untagResource(ctx, input),
      ListTagsOfResource: (input) => listTagsOfResource(ctx, input),
      DescribeEndpoints: () => describeEndpoints(ctx),
      DescribeLimits: () => describeLimits(),
      PutItem: (input) => putItem(ctx, input),
      GetItem: (input) => getItem(ctx, input),
      UpdateItem: (input) => updateItem(ctx, input),
      DeleteItem: (input) => deleteItem(ctx, input),
      Query: (input) => query(ctx, input),
      Scan: (input) => scan(ctx, input),
      BatchGetItem: (input) => batchGetItem(ctx, input),
      BatchWriteItem: (input) => batchWriteItem(ctx, input),
      TransactGetItems: (input) => transactGetItems(ctx, input),
      TransactWriteItems: (input) => transactWriteItems(ctx, input),
    },
  }),
  controllers: (ctx, signal) => [tableController(ctx, signal)],
  authorization: dynamodbRules,
};
