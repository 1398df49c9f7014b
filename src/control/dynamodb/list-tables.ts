import type { ControlContext } from '../context.js';

/** Table names in order, `Limit` at a time (at most 100), resuming after `ExclusiveStartTableName`. */
export function listTables(ctx: ControlContext, input: { ExclusiveStartTableName?: string; Limit?: number }) {
  const limit = input.Limit ?? 100;
  const start = input.ExclusiveStartTableName;
  const names = [...ctx.state.all('dynamodbTable')]
    .map((t) => t.TableName)
    .filter((name) => start === undefined || name > start)
    .sort();
  const page = names.slice(0, limit);
  return { TableNames: page, ...(names.length > limit && { LastEvaluatedTableName: page[page.length - 1] }) };
}
