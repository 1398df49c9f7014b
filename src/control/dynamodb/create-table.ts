import type { AttributeDefinition, KeySchemaElement, Projection, SecondaryIndexRecord, TableRecord, Tag, Throughput } from '../../core/dynamodb.js';
import { LimitExceededException, ResourceInUseException, ValidationException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { checkTags } from './table-tags.js';
import { checkTableName, describeTable, tableArn } from './tables.js';

interface IndexInput {
  IndexName: string;
  KeySchema: KeySchemaElement[];
  Projection: Projection;
  ProvisionedThroughput?: Throughput;
}

export interface CreateTableInput {
  TableName: string;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  LocalSecondaryIndexes?: IndexInput[];
  GlobalSecondaryIndexes?: IndexInput[];
  BillingMode?: TableRecord['BillingMode'];
  ProvisionedThroughput?: Throughput;
  StreamSpecification?: TableRecord['StreamSpecification'];
  SSESpecification?: TableRecord['SSESpecification'];
  Tags?: Tag[];
  TableClass?: TableRecord['TableClass'];
  DeletionProtectionEnabled?: boolean;
}

const invalid = (why: string) => new ValidationException(`One or more parameter values were invalid: ${why}`);

/** Creates a table, checked as AWS checks one; it is ACTIVE as soon as the answer (CREATING) has left. */
export async function createTable(ctx: ControlContext, input: CreateTableInput) {
  checkTableName(input.TableName);
  const billing = input.BillingMode ?? 'PROVISIONED';
  checkKeySchema(input.KeySchema, 'KeySchema');
  const definitions = checkDefinitions(input);
  checkThroughput(billing, input.ProvisionedThroughput, undefined);
  const tableHash = input.KeySchema[0]!.AttributeName;
  const lsis = (input.LocalSecondaryIndexes ?? []).map((index) => {
    checkIndex(index, billing, false);
    if (input.KeySchema.length < 2) throw invalid('Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex');
    if (index.KeySchema[0]!.AttributeName !== tableHash)
      throw invalid(`Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${index.KeySchema[0]!.AttributeName}, table hash key: ${tableHash}`);
    return record(index, undefined);
  });
  if (lsis.length > 5) throw invalid('Number of LocalSecondaryIndexes exceeds per-table limit of 5');
  const gsis = (input.GlobalSecondaryIndexes ?? []).map((index) => {
    checkIndex(index, billing, true);
    return record(index, billing === 'PROVISIONED' ? index.ProvisionedThroughput : undefined);
  });
  if (gsis.length > 20) throw new LimitExceededException('Subscriber limit exceeded: The number of global secondary indexes exceeds the per-table limit of 20');
  const names = [...lsis, ...gsis].map((i) => i.IndexName);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw invalid(`Duplicate index name: ${duplicate}`);
  checkStream(input.StreamSpecification);
  const tags = checkTags(input.Tags ?? []);

  const created = await ctx.state.mutate((tx) => {
    if (tx.get('dynamodbTable', input.TableName)) throw new ResourceInUseException(`Table already exists: ${input.TableName}`);
    const now = ctx.clock.now();
    const table: TableRecord = {
      TableName: input.TableName,
      TableArn: tableArn(ctx, input.TableName),
      TableId: uuid(ctx.ids.id()),
      KeySchema: input.KeySchema,
      AttributeDefinitions: definitions,
      BillingMode: billing,
      ProvisionedThroughput: billing === 'PROVISIONED' ? input.ProvisionedThroughput! : { ReadCapacityUnits: 0, WriteCapacityUnits: 0 },
      ...(billing === 'PAY_PER_REQUEST' && { LastUpdateToPayPerRequestDateTime: now }),
      ...(lsis.length && { LocalSecondaryIndexes: lsis }),
      ...(gsis.length && { GlobalSecondaryIndexes: gsis }),
      ...(input.StreamSpecification?.StreamEnabled && { StreamSpecification: input.StreamSpecification, LatestStreamLabel: now.toISOString().replace('Z', '') }),
      ...(input.SSESpecification?.Enabled && { SSESpecification: input.SSESpecification }),
      TableClass: input.TableClass ?? 'STANDARD',
      DeletionProtectionEnabled: input.DeletionProtectionEnabled ?? false,
      CreationDateTime: now,
      TableStatus: 'ACTIVE',
      tags,
    };
    return tx.put('dynamodbTable', table.TableName, table);
  });
  ctx.log.info('dynamodb table created', { tableName: created.TableName });
  return { TableDescription: describeTable(ctx, created, 'CREATING') };
}

export function checkKeySchema(schema: KeySchemaElement[], what: string): void {
  if (schema[0]!.KeyType !== 'HASH') throw new ValidationException(`Invalid ${what}: The first KeySchemaElement is not a HASH key type`);
  if (schema[1] && schema[1].KeyType !== 'RANGE') throw new ValidationException(`Invalid ${what}: The second KeySchemaElement is not a RANGE key type`);
  if (schema[1] && schema[1].AttributeName === schema[0]!.AttributeName) throw new ValidationException('Both the Hash Key and the Range Key element in the KeySchema have the same name');
}

/** AWS wants exactly the attributes that some key schema (table or index) uses, each once. */
function checkDefinitions(input: CreateTableInput): AttributeDefinition[] {
  const defined = input.AttributeDefinitions.map((d) => d.AttributeName);
  if (new Set(defined).size !== defined.length) throw invalid('Cannot have two attributes with the same name');
  const keys = new Set([input.KeySchema, ...[...(input.LocalSecondaryIndexes ?? []), ...(input.GlobalSecondaryIndexes ?? [])].map((i) => i.KeySchema)].flat().map((k) => k.AttributeName));
  const missing = [...keys].filter((k) => !defined.includes(k));
  if (missing.length) throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${missing.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`);
  if (defined.length !== keys.size) throw invalid('Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  return input.AttributeDefinitions;
}

export function checkThroughput(billing: TableRecord['BillingMode'], throughput: Throughput | undefined, index: string | undefined): void {
  if (billing === 'PROVISIONED' && !throughput)
    throw invalid(index ? `ProvisionedThroughput must be specified for index: ${index}` : 'ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  if (billing === 'PAY_PER_REQUEST' && throughput && (throughput.ReadCapacityUnits || throughput.WriteCapacityUnits))
    throw invalid(
      index
        ? `ProvisionedThroughput should not be specified for index: ${index} when BillingMode is PAY_PER_REQUEST`
        : 'Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST',
    );
}

export function checkIndex(index: IndexInput, billing: TableRecord['BillingMode'], global: boolean): void {
  checkKeySchema(index.KeySchema, 'KeySchema');
  const { ProjectionType = 'ALL', NonKeyAttributes } = index.Projection;
  if (ProjectionType === 'INCLUDE' && !NonKeyAttributes?.length) throw invalid('NonKeyAttributes must be specified for projection type INCLUDE');
  if (ProjectionType !== 'INCLUDE' && NonKeyAttributes) throw invalid(`ProjectionType is ${ProjectionType}, but NonKeyAttributes is specified`);
  if (!global && index.ProvisionedThroughput) throw invalid(`ProvisionedThroughput should not be specified for local secondary index: ${index.IndexName}`);
  if (global) checkThroughput(billing, index.ProvisionedThroughput, index.IndexName);
}

export const record = (index: IndexInput, throughput: Throughput | undefined): SecondaryIndexRecord => ({
  IndexName: index.IndexName,
  KeySchema: index.KeySchema,
  Projection: { ProjectionType: index.Projection.ProjectionType ?? 'ALL', ...(index.Projection.NonKeyAttributes && { NonKeyAttributes: index.Projection.NonKeyAttributes }) },
  ...(throughput && { ProvisionedThroughput: throughput }),
});

export function checkStream(spec: TableRecord['StreamSpecification']): void {
  if (spec?.StreamEnabled && !spec.StreamViewType) throw invalid('StreamViewType is required when StreamEnabled is true');
}

const uuid = (hex: string) => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
