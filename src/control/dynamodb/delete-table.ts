import { ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { describeTable, itemStore, resolveTable } from './tables.js';

/** Deletes a table: the record first (it is gone for the API at once), then its items. */
export async function deleteTable(ctx: ControlContext, input: { TableName: string }) {
  const table = await ctx.state.mutate((tx) => {
    const table = resolveTable(tx, input.TableName);
    if (table.DeletionProtectionEnabled)
      throw new ValidationException('Resource cannot be deleted as it is currently protected against manual deletion. Disable deletion protection first.');
    tx.delete('dynamodbTable', table.TableName);
    return table;
  });
  // The description is read before the items go, so it shows what was deleted.
  const description = describeTable(ctx, table, 'DELETING');
  await itemStore(ctx).drop(table.TableId);
  ctx.log.info('dynamodb table deleted', { tableName: table.TableName });
  return { TableDescription: description };
}
