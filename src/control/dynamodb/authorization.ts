// What DynamoDB adds to the authorisation rule: batches act on every table they name (RequestItems' keys),
// and a transaction is each of its items' own action on its table (dynamodb:PutItem, UpdateItem,
// DeleteItem, ConditionCheckItem, GetItem), as IAM authorises them; there is no transaction action.
import type { ServiceRules } from '../authorization/rules.js';
import type { ControlContext } from '../context.js';
import { tableArn, tableNameOf } from './tables.js';

const ITEM_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

/** Each transaction item's action and table ARN. */
function transactionActions(ctx: ControlContext, input: { TransactItems?: Record<string, { TableName?: string }>[] }): { action: string; resource: string }[] {
  return (input.TransactItems ?? []).flatMap((item) =>
    Object.entries(item).flatMap(([kind, request]) => (ITEM_ACTIONS[kind] && request?.TableName ? [{ action: `dynamodb:${ITEM_ACTIONS[kind]}`, resource: arnOf(ctx, request.TableName) }] : [])),
  );
}

const arnOf = (ctx: ControlContext, nameOrArn: string) => (nameOrArn.startsWith('arn:') ? nameOrArn : tableArn(ctx, tableNameOf(nameOrArn)));

export const dynamodbRules: ServiceRules = {
  actionOf(ctx, operation, input) {
    if (operation === 'BatchGetItem' || operation === 'BatchWriteItem')
      return { action: `dynamodb:${operation}`, resources: Object.keys(input.RequestItems ?? {}).map((name) => arnOf(ctx, name)) };
    if (operation === 'TransactGetItems' || operation === 'TransactWriteItems') {
      const [first] = transactionActions(ctx, input);
      return first && { action: first.action, resources: [first.resource] };
    }
    return undefined;
  },
  implied(ctx, operation, input) {
    if (operation !== 'TransactGetItems' && operation !== 'TransactWriteItems') return [];
    return transactionActions(ctx, input).slice(1).map(({ action, resource }) => ({ action, resource, context: {} }));
  },
};
