// UpdateTable: billing mode and throughput, streams, encryption, deletion protection, table class, and GSIs
// (created with a backfill of the items already there, CREATING until it is done; deleted with their rows).
import type { AttributeDefinition, KeySchemaElement, Projection, TableRecord, Throughput } from '../../core/dynamodb.js';
import { LimitExceededException, ResourceInUseException, ResourceNotFoundException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkIndex, checkStream, checkThroughput, record } from './create-table.js';
import { describeTable, itemStore, resolveTable } from './tables.js';

interface GsiUpdate {
  Create?: { IndexName: string; KeySchema: KeySchemaElement[]; Projection: Projection; ProvisionedThroughput?: Throughput };
  Update?: { IndexName: string; ProvisionedThroughput?: Throughput };
  Delete?: { IndexName: string };
}

export interface UpdateTableInput {
  TableName: string;
  AttributeDefinitions?: AttributeDefinition[];
  BillingMode?: TableRecord['BillingMode'];
  ProvisionedThroughput?: Throughput;
  GlobalSecondaryIndexUpdates?: GsiUpdate[];
  StreamSpecification?: TableRecord['StreamSpecification'];
  SSESpecification?: TableRecord['SSESpecification'];
  TableClass?: TableRecord['TableClass'];
  DeletionProtectionEnabled?: boolean;
}

const invalid = (why: string) => new ValidationException(`One or more parameter values were invalid: ${why}`);

export async function updateTable(ctx: ControlContext, input: UpdateTableInput) {
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  if (updates.filter((u) => u.Create || u.Delete).length > 1)
    throw new LimitExceededException('Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  checkStream(input.StreamSpecification);
  const { before, after, deleted } = await ctx.state.mutate((tx) => {
    const table = resolveTable(tx, input.TableName);
    const billing = input.BillingMode ?? table.BillingMode;
    const now = ctx.clock.now();
    let next: TableRecord = { ...table, BillingMode: billing };
    if (input.BillingMode === 'PAY_PER_REQUEST' && table.BillingMode !== 'PAY_PER_REQUEST') {
      next.ProvisionedThroughput = { ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
      next.LastUpdateToPayPerRequestDateTime = now;
      next.GlobalSecondaryIndexes = table.GlobalSecondaryIndexes?.map(({ ProvisionedThroughput: _, ...gsi }) => gsi);
    }
    if (input.ProvisionedThroughput || (input.BillingMode === 'PROVISIONED' && table.BillingMode !== 'PROVISIONED')) {
      checkThroughput(billing, input.ProvisionedThroughput, undefined);
      next.ProvisionedThroughput = input.ProvisionedThroughput!;
    }
    let created: string | undefined;
    let deleted: string | undefined;
    const gsis = [...(next.GlobalSecondaryIndexes ?? [])];
    for (const update of updates) {
      if (update.Create) {
        const index = update.Create;
        checkIndex(index, billing, true);
        if (gsis.some((g) => g.IndexName === index.IndexName) || next.LocalSecondaryIndexes?.some((l) => l.IndexName === index.IndexName))
          throw new ValidationException(`One or more parameter values were invalid: Index with name: ${index.IndexName} already exists`);
        if (gsis.length >= 20) throw new LimitExceededException('Subscriber limit exceeded: The number of global secondary indexes exceeds the per-table limit of 20');
        const definitions = [...next.AttributeDefinitions];
        for (const key of index.KeySchema) {
          const given = input.AttributeDefinitions?.find((d) => d.AttributeName === key.AttributeName);
          const existing = definitions.find((d) => d.AttributeName === key.AttributeName);
          if (!given && !existing) throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${key.AttributeName}]`);
          if (given && existing && given.AttributeType !== existing.AttributeType)
            throw invalid(`Cannot change the type of an existing attribute: ${key.AttributeName}`);
          if (given && !existing) definitions.push(given);
        }
        next.AttributeDefinitions = definitions;
        gsis.push({ ...record(index, billing === 'PROVISIONED' ? index.ProvisionedThroughput : undefined), IndexStatus: 'CREATING' });
        created = index.IndexName;
      } else if (update.Delete) {
        const at = gsis.findIndex((g) => g.IndexName === update.Delete!.IndexName);
        if (at < 0) throw new ResourceNotFoundException(`Requested resource not found: Index: ${update.Delete.IndexName} not found`);
        deleted = gsis[at]!.IndexName;
        gsis.splice(at, 1);
      } else if (update.Update) {
        const at = gsis.findIndex((g) => g.IndexName === update.Update!.IndexName);
        if (at < 0) throw new ResourceNotFoundException(`Requested resource not found: Index: ${update.Update.IndexName} not found`);
        checkThroughput(billing, update.Update.ProvisionedThroughput, update.Update.IndexName);
        gsis[at] = { ...gsis[at]!, ...(update.Update.ProvisionedThroughput && { ProvisionedThroughput: update.Update.ProvisionedThroughput }) };
      }
    }
    if (gsis.some((g) => g.IndexStatus === 'CREATING' && g.IndexName !== created))
      throw new ResourceInUseException(`Attempt to change a resource which is still in use: Table is being updated: ${table.TableName}`);
    next.GlobalSecondaryIndexes = gsis.length ? gsis : undefined;
    if (billing === 'PROVISIONED') for (const gsi of gsis) checkThroughput(billing, gsi.ProvisionedThroughput, gsi.IndexName);
    if (input.StreamSpecification) {
      const { StreamSpecification: _, LatestStreamLabel: __, ...rest } = next;
      next = input.StreamSpecification.StreamEnabled
        ? { ...rest, StreamSpecification: input.StreamSpecification, LatestStreamLabel: now.toISOString().replace('Z', '') }
        : rest;
    }
    if (input.SSESpecification) next.SSESpecification = input.SSESpecification;
    if (input.TableClass) next.TableClass = input.TableClass;
    if (input.DeletionProtectionEnabled !== undefined) next.DeletionProtectionEnabled = input.DeletionProtectionEnabled;
    return { before: table, after: tx.put('dynamodbTable', table.TableName, next), deleted };
  });
  // A new index is filled by the tables' controller (table-controller.ts), which then marks it ACTIVE.
  if (deleted) await itemStore(ctx).drop(before.TableId, deleted);
  return { TableDescription: describeTable(ctx, after, 'UPDATING') };
}
