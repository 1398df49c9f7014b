// DynamoDB tables: lookups (by name or ARN), ARNs, and the TableDescription AWS answers (item counts and
// sizes read from the item store, as AWS reports them, if at once rather than every six hours).
import { arn } from '../../core/arn.js';
import type { ItemStore, SecondaryIndexRecord, TableRecord } from '../../core/dynamodb.js';
import { ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import { layoutOf, type IndexLayout, type ItemLayout } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';

export const tableArn = (ctx: Pick<ControlContext, 'partition'>, name: string) => arn(ctx.partition, 'dynamodb', `table/${name}`);

/** The table name of a TableName parameter, which may be the table's ARN. */
export function tableNameOf(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return checkTableName(nameOrArn);
  const match = /^arn:aws[\w-]*:dynamodb:[\w-]+:\d{12}:table\/([\w.-]{3,255})$/.exec(nameOrArn);
  if (!match) throw new ValidationException(`Invalid TableArn: Invalid ResourceArn provided as input ${nameOrArn}`);
  return match[1]!;
}

/** A table name as the model of old constrained it (the model now takes ARNs too, so the check is here). */
export function checkTableName(name: string): string {
  const problems = [
    name.length < 3 && 'Member must have length greater than or equal to 3',
    name.length > 255 && 'Member must have length less than or equal to 255',
    !/^[a-zA-Z0-9_.-]+$/.test(name) && 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+',
  ].filter((p): p is string => !!p);
  if (problems.length)
    throw new ValidationException(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.map((p) => `Value '${name}' at 'tableName' failed to satisfy constraint: ${p}`).join('; ')}`);
  return name;
}

/** The table for a control-plane call (DescribeTable, UpdateTable...): AWS names it in the error. */
export function resolveTable(state: Pick<State, 'get'>, nameOrArn: string): TableRecord {
  const name = tableNameOf(nameOrArn);
  const table = state.get('dynamodbTable', name);
  if (!table) throw new ResourceNotFoundException(`Requested resource not found: Table: ${name} not found`);
  return table;
}

/** The table and its item layout for a data call (PutItem, Query...): AWS's error there names nothing. */
export function tableForItems(ctx: ControlContext, nameOrArn: string): { table: TableRecord; layout: ItemLayout; items: ItemStore } {
  const table = ctx.state.get('dynamodbTable', tableNameOf(nameOrArn));
  if (!table || table.TableStatus === 'DELETING') throw new ResourceNotFoundException('Requested resource not found');
  return { table, layout: layoutOf(table), items: itemStore(ctx) };
}

export function itemStore(ctx: ControlContext): ItemStore {
  if (!ctx.items) throw new Error('this control plane has no item store');
  return ctx.items;
}

/** The index a Query or Scan names, or AWS's refusal. */
export function indexOf(table: TableRecord, layout: ItemLayout, name: string | undefined): IndexLayout | undefined {
  if (name === undefined) return undefined;
  const index = layout.indexes.find((i) => i.name === name);
  if (!index) throw new ValidationException(`The table does not have the specified index: ${name}`);
  const gsi = table.GlobalSecondaryIndexes?.find((g) => g.IndexName === name);
  if (gsi?.IndexStatus === 'CREATING') throw new ValidationException(`Cannot read from backfilling global secondary index: ${name}`);
  return index;
}

/** The TableDescription of a table, as DescribeTable (and CreateTable, with its own status) answer it. */
export function describeTable(ctx: ControlContext, table: TableRecord, status: string = table.TableStatus) {
  const items = itemStore(ctx);
  const stats = items.stats(table.TableId);
  const throughput = (t: { ReadCapacityUnits: number; WriteCapacityUnits: number } | undefined) => ({
    NumberOfDecreasesToday: 0,
    ReadCapacityUnits: t?.ReadCapacityUnits ?? 0,
    WriteCapacityUnits: t?.WriteCapacityUnits ?? 0,
  });
  const index = (i: SecondaryIndexRecord) => {
    const { count, bytes } = items.stats(table.TableId, i.IndexName);
    return { IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection, IndexSizeBytes: bytes, ItemCount: count, IndexArn: `${table.TableArn}/index/${i.IndexName}` };
  };
  return {
    TableName: table.TableName,
    TableArn: table.TableArn,
    TableId: table.TableId,
    TableStatus: status,
    KeySchema: table.KeySchema,
    AttributeDefinitions: table.AttributeDefinitions,
    CreationDateTime: table.CreationDateTime,
    ProvisionedThroughput: throughput(table.ProvisionedThroughput),
    BillingModeSummary: { BillingMode: table.BillingMode, ...(table.LastUpdateToPayPerRequestDateTime && { LastUpdateToPayPerRequestDateTime: table.LastUpdateToPayPerRequestDateTime }) },
    TableSizeBytes: stats.bytes,
    ItemCount: stats.count,
    ...(table.LocalSecondaryIndexes?.length && { LocalSecondaryIndexes: table.LocalSecondaryIndexes.map(index) }),
    ...(table.GlobalSecondaryIndexes?.length && {
      GlobalSecondaryIndexes: table.GlobalSecondaryIndexes.map((i) => ({
        ...index(i),
        IndexStatus: i.IndexStatus ?? 'ACTIVE',
        ...(i.IndexStatus === 'CREATING' && { Backfilling: true }),
        ProvisionedThroughput: throughput(i.ProvisionedThroughput),
      })),
    }),
    ...(table.StreamSpecification?.StreamEnabled && {
      StreamSpecification: table.StreamSpecification,
      LatestStreamLabel: table.LatestStreamLabel,
      LatestStreamArn: `${table.TableArn}/stream/${table.LatestStreamLabel}`,
    }),
    ...(table.SSESpecification?.Enabled && {
      SSEDescription: {
        Status: 'ENABLED',
        SSEType: 'KMS',
        KMSMasterKeyArn: table.SSESpecification.KMSMasterKeyId ?? arn(ctx.partition, 'kms', 'alias/aws/dynamodb'),
      },
    }),
    TableClassSummary: { TableClass: table.TableClass },
    DeletionProtectionEnabled: table.DeletionProtectionEnabled,
  };
}
