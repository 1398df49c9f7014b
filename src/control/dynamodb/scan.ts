// Scan: every row of a table or index in hash order, or one of TotalSegments parts of it, paged.
import { ValidationException } from '../../core/errors.js';
import type { RowRange } from '../../core/dynamodb.js';
import { checkValue, type Item } from '../../core/dynamodb/attribute-values.js';
import { segmentStart, startRow } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import { parseExpressions, projectionOf, type ExpressionInput } from './expressions.js';
import { checkSelect, readPage, type PageInput } from './pages.js';
import { indexOf, tableForItems } from './tables.js';

export interface ScanInput extends ExpressionInput, PageInput {
  TableName: string;
  IndexName?: string;
  Segment?: number;
  TotalSegments?: number;
  ExclusiveStartKey?: Item;
  AttributesToGet?: string[];
}

export function scan(ctx: ControlContext, input: ScanInput) {
  const { Segment: segment, TotalSegments: total } = input;
  if (segment !== undefined && total === undefined)
    throw new ValidationException('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  if (total !== undefined && segment === undefined)
    throw new ValidationException('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  if (segment !== undefined && total !== undefined && segment >= total)
    throw new ValidationException(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`);
  const parsed = parseExpressions(input);
  const projection = projectionOf(input, parsed);
  const { table, layout, items } = tableForItems(ctx, input.TableName);
  const index = indexOf(table, layout, input.IndexName);
  checkSelect(index, input, projection, 'Scanning');
  const range: RowRange = { index: index?.name ?? '', forward: true, ...(total !== undefined && { segment: { segment: segment!, total } }) };
  if (input.ExclusiveStartKey) {
    const after = startRow(layout, index, Object.fromEntries(Object.entries(input.ExclusiveStartKey).map(([k, v]) => [k, checkValue(v)])));
    if (total !== undefined && (after.seg < segmentStart(segment!, total) || after.seg >= segmentStart(segment! + 1, total)))
      throw new ValidationException('The provided Exclusive start key does not map to the provided segment');
    range.after = after;
  }
  return readPage(items, table, layout, index, range, input, parsed.filter, projection);
}
