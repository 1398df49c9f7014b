// Query: one partition of a table or index, in range-key order (ScanIndexForward), bounded by the key
// condition, paged by Limit, 1 MB and ExclusiveStartKey.
import { ValidationException } from '../../core/errors.js';
import type { RowRange } from '../../core/dynamodb.js';
import { checkValue, keyBytes, typeOf, type AttributeValue, type Item } from '../../core/dynamodb/attribute-values.js';
import { conditionAttributes, parseKeyCondition, type KeyCondition } from '../../core/dynamodb/expressions.js';
import { keyNames, startRow, type KeyAttribute } from '../../core/dynamodb/keys.js';
import type { ControlContext } from '../context.js';
import type { CapacityMode } from './capacity.js';
import { parseExpressions, projectionOf, type ExpressionInput } from './expressions.js';
import { checkSelect, readPage, type PageInput } from './pages.js';
import { indexOf, tableForItems } from './tables.js';

export interface QueryInput extends ExpressionInput, PageInput {
  TableName: string;
  IndexName?: string;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Item;
  AttributesToGet?: string[];
  KeyConditions?: Record<string, { AttributeValueList?: AttributeValue[]; ComparisonOperator: string }>;
  ReturnConsumedCapacity?: CapacityMode;
}

export function query(ctx: ControlContext, input: QueryInput) {
  const { table, layout, items } = tableForItems(ctx, input.TableName);
  const index = indexOf(table, layout, input.IndexName);
  const keys = index ?? layout;
  let keyCondition: KeyCondition | undefined;
  const parsed = parseExpressions(input, (context) => {
    if (input.KeyConditionExpression !== undefined) keyCondition = parseKeyCondition(input.KeyConditionExpression, context, keys.hash.name, keys.range?.name);
  });
  if (input.KeyConditions && input.KeyConditionExpression !== undefined)
    throw new ValidationException('Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}');
  keyCondition ??= input.KeyConditions && legacyKeyCondition(input.KeyConditions, keys.hash.name, keys.range?.name);
  if (!keyCondition) throw new ValidationException('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
  const projection = projectionOf(input, parsed);
  checkSelect(index, input, projection, 'Querying');
  if (parsed.filter) {
    const key = [...conditionAttributes(parsed.filter)].find((name) => keyNames(keys).includes(name));
    if (key) throw new ValidationException(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${key}`);
  }
  const range: RowRange = { index: index?.name ?? '', forward: input.ScanIndexForward ?? true, hash: keyValue(keys.hash, keyCondition.hash.value), ...bounds(keyCondition, keys.range) };
  if (input.ExclusiveStartKey) {
    const after = startRow(layout, index, checkStartKey(input.ExclusiveStartKey));
    if (!after.hk.equals(range.hash!)) throw new ValidationException('The provided starting key is outside query boundaries based on provided conditions');
    range.after = after;
  }
  return readPage(items, table, layout, index, range, input, parsed.filter, projection);
}

const checkStartKey = (key: Item): Item => Object.fromEntries(Object.entries(key).map(([k, v]) => [k, checkValue(v)]));

function keyValue(key: KeyAttribute, value: AttributeValue): Buffer {
  if (typeOf(value) !== key.type) throw new ValidationException('One or more parameter values were invalid: Condition parameter type does not match schema type');
  return keyBytes(value);
}

function bounds(condition: KeyCondition, rangeKey: KeyAttribute | undefined): Pick<RowRange, 'lower' | 'upper'> {
  const range = condition.range;
  if (!range || !rangeKey) return {};
  const [first, second] = range.values.map((v) => keyValue(rangeKey, v));
  switch (range.op) {
    case '=':
      return { lower: { key: first!, inclusive: true }, upper: { key: first!, inclusive: true } };
    case '<':
    case '<=':
      return { upper: { key: first!, inclusive: range.op === '<=' } };
    case '>':
    case '>=':
      return { lower: { key: first!, inclusive: range.op === '>=' } };
    case 'between':
      if (Buffer.compare(first!, second!) > 0)
        throw new ValidationException(
          `Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {${rangeKey.type}:${show(range.values[0]!)}}, upper bound operand: AttributeValue: {${rangeKey.type}:${show(range.values[1]!)}}`,
        );
      return { lower: { key: first!, inclusive: true }, upper: { key: second!, inclusive: true } };
    case 'begins_with': {
      if (rangeKey.type === 'N') throw new ValidationException('Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N');
      const upper = successor(first!);
      return { lower: { key: first!, inclusive: true }, ...(upper && { upper: { key: upper, inclusive: false } }) };
    }
    default:
      return {};
  }
}

const show = (v: AttributeValue) => String(v.S ?? v.N ?? Buffer.from(v.B ?? []).toString('base64'));

/** The first byte string after every string that starts with `prefix` (none when it is all 0xff). */
function successor(prefix: Buffer): Buffer | undefined {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      bytes[i]!++;
      return bytes.subarray(0, i + 1);
    }
  }
  return undefined;
}

const LEGACY_OPERATORS: Record<string, NonNullable<KeyCondition['range']>['op']> = { EQ: '=', LT: '<', LE: '<=', GT: '>', GE: '>=', BETWEEN: 'between', BEGINS_WITH: 'begins_with' };

/** The legacy KeyConditions parameter as a key condition. */
function legacyKeyCondition(conditions: NonNullable<QueryInput['KeyConditions']>, hashKey: string, rangeKey: string | undefined): KeyCondition {
  const hash = conditions[hashKey];
  if (!hash || hash.ComparisonOperator !== 'EQ' || hash.AttributeValueList?.length !== 1) throw new ValidationException('Query condition missed key schema element: ' + hashKey);
  const others = Object.keys(conditions).filter((name) => name !== hashKey);
  if (others.length > 1 || (others[0] !== undefined && others[0] !== rangeKey)) throw new ValidationException('Query condition missed key schema element: ' + (rangeKey ?? hashKey));
  const range = others[0] !== undefined ? conditions[others[0]]! : undefined;
  const op = range && LEGACY_OPERATORS[range.ComparisonOperator];
  if (range && !op) throw new ValidationException(`Unsupported operator on KeyCondition: ${range.ComparisonOperator}`);
  const count = op === 'between' ? 2 : 1;
  if (range && range.AttributeValueList?.length !== count)
    throw new ValidationException(`One or more parameter values were invalid: Invalid number of argument(s) for the ${range.ComparisonOperator} ComparisonOperator`);
  return {
    hash: { name: hashKey, value: checkValue(hash.AttributeValueList[0]!) },
    ...(range && { range: { name: others[0]!, op: op!, values: range.AttributeValueList!.map(checkValue) } }),
  };
}
