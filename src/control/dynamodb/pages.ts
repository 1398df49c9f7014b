// The page a Query or Scan answers: rows read in key order until `Limit` items or 1 MB have been read (as
// AWS stops, before filtering), then filtered, selected and projected; LastEvaluatedKey where it stopped.
import type { ItemStore, RowRange, TableRecord } from '../../core/dynamodb.js';
import { ValidationException } from '../../core/errors.js';
import type { Item } from '../../core/dynamodb/attribute-values.js';
import { evaluate, project } from '../../core/dynamodb/evaluate.js';
import type { Condition, Path } from '../../core/dynamodb/expressions.js';
import { pageKey, type IndexLayout, type ItemLayout } from '../../core/dynamodb/keys.js';
import { consumedCapacity, readUnits, type CapacityMode } from './capacity.js';

const PAGE_BYTES = 1024 * 1024;

export interface PageInput {
  Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  Limit?: number;
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: CapacityMode;
}

/** What a read of a table or index answers; which attributes each item shows (Select, projection). */
export function checkSelect(index: IndexLayout | undefined, input: PageInput, projection: Path[] | undefined, operation: 'Querying' | 'Scanning'): void {
  const select = input.Select;
  if (projection && select !== undefined && select !== 'SPECIFIC_ATTRIBUTES')
    throw new ValidationException(`Cannot specify the ProjectionExpression when choosing to get ${select}`);
  if (select === 'SPECIFIC_ATTRIBUTES' && !projection) throw new ValidationException('Select type SPECIFIC_ATTRIBUTES requires a ProjectionExpression or AttributesToGet');
  if (select === 'ALL_PROJECTED_ATTRIBUTES' && !index) throw new ValidationException(`ALL_PROJECTED_ATTRIBUTES can be used only when ${operation} using an IndexName`);
  if (index?.global && input.ConsistentRead) throw new ValidationException('Consistent reads are not supported on global secondary indexes');
  if (index?.global && select === 'ALL_ATTRIBUTES' && index.projection.ProjectionType !== 'ALL')
    throw new ValidationException(`One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`);
}

export function readPage(
  items: ItemStore,
  table: TableRecord,
  layout: ItemLayout,
  index: IndexLayout | undefined,
  range: RowRange,
  input: PageInput,
  filter: Condition | undefined,
  projection: Path[] | undefined,
) {
  const read: Item[] = [];
  let bytes = 0;
  let stopped = false;
  // The rows are collected before anything else is read: the store's cursor holds its connection meanwhile.
  for (const row of items.rows(layout, range)) {
    read.push(row.item);
    bytes += row.size;
    if ((input.Limit !== undefined && read.length >= input.Limit) || bytes >= PAGE_BYTES) {
      stopped = true;
      break;
    }
  }
  const matched = filter ? read.filter((item) => evaluate(item, filter)) : read;
  // An LSI read for ALL_ATTRIBUTES fetches each item from its table, as AWS does.
  const fetchAll = index && !index.global && input.Select === 'ALL_ATTRIBUTES' && index.projection.ProjectionType !== 'ALL';
  const shown = input.Select === 'COUNT' ? undefined : matched.map((item) => {
    const full = fetchAll ? (items.get(layout, item)?.item ?? item) : item;
    return projection ? project(full, projection) : full;
  });
  const last = read[read.length - 1];
  const capacity = consumedCapacity(input.ReturnConsumedCapacity, table.TableName, readUnits(bytes, input.ConsistentRead));
  return {
    ...(shown && { Items: shown }),
    Count: matched.length,
    ScannedCount: read.length,
    ...(stopped && last && { LastEvaluatedKey: pageKey(layout, index, last) }),
    ...(capacity && { ConsumedCapacity: capacity }),
  };
}
