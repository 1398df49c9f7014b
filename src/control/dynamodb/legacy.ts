// The legacy parameters, read into the same trees as expressions: Expected (with ConditionalOperator),
// QueryFilter and ScanFilter (conditions), AttributeUpdates (an update). Mixing one with its expression
// counterpart is refused as AWS refuses it.
import { ValidationException, type AwsError } from '../../core/errors.js';
import { checkValue, type AttributeValue } from '../../core/dynamodb/attribute-values.js';
import type { Condition, Operand, UpdateActions } from '../../core/dynamodb/expressions.js';

export interface LegacyCondition {
  Value?: AttributeValue;
  Exists?: boolean;
  ComparisonOperator?: string;
  AttributeValueList?: AttributeValue[];
}

const ARITY: Record<string, number> = { EQ: 1, NE: 1, LE: 1, LT: 1, GE: 1, GT: 1, NOT_NULL: 0, NULL: 0, CONTAINS: 1, NOT_CONTAINS: 1, BEGINS_WITH: 1, BETWEEN: 2 };
const COMPARATORS: Record<string, '=' | '<>' | '<=' | '<' | '>=' | '>'> = { EQ: '=', NE: '<>', LE: '<=', LT: '<', GE: '>=', GT: '>' };

export function mixed(legacy: string, expression: string): AwsError {
  return new ValidationException(`Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacy}} Expression parameters: {${expression}}`);
}

/** Expected, QueryFilter or ScanFilter as one condition (their entries joined by ConditionalOperator). */
export function legacyCondition(entries: Record<string, LegacyCondition>, operator: 'AND' | 'OR' | undefined): Condition | undefined {
  const conditions = Object.entries(entries).map(([name, entry]) => entryCondition(name, entry));
  if (conditions.length === 0) return undefined;
  return conditions.reduce((left, right) => ({ kind: operator === 'OR' ? 'or' : 'and', left, right }));
}

function entryCondition(name: string, entry: LegacyCondition): Condition {
  const path: Operand = { kind: 'path', path: [name] };
  const value = (v: AttributeValue): Operand => ({ kind: 'value', value: checkValue(v), name: '' });
  if (entry.ComparisonOperator === undefined) {
    if (entry.Exists === false) {
      if (entry.Value) throw new ValidationException('One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: ' + name);
      return { kind: 'function', name: 'attribute_not_exists', args: [path] };
    }
    if (!entry.Value) throw new ValidationException('One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: ' + name);
    return { kind: 'compare', op: '=', left: path, right: value(entry.Value) };
  }
  const op = entry.ComparisonOperator;
  const list = entry.AttributeValueList ?? (entry.Value ? [entry.Value] : []);
  if (op !== 'IN' && list.length !== ARITY[op]) throw new ValidationException(`One or more parameter values were invalid: Invalid number of argument(s) for the ${op} ComparisonOperator`);
  if (op === 'IN' && list.length === 0) throw new ValidationException('One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator');
  const [first, second] = list.map(value);
  switch (op) {
    case 'NOT_NULL':
      return { kind: 'function', name: 'attribute_exists', args: [path] };
    case 'NULL':
      return { kind: 'function', name: 'attribute_not_exists', args: [path] };
    case 'CONTAINS':
      return { kind: 'function', name: 'contains', args: [path, first!] };
    case 'NOT_CONTAINS':
      return { kind: 'not', condition: { kind: 'function', name: 'contains', args: [path, first!] } };
    case 'BEGINS_WITH':
      return { kind: 'function', name: 'begins_with', args: [path, first!] };
    case 'BETWEEN':
      return { kind: 'between', operand: path, low: first!, high: second! };
    case 'IN':
      return { kind: 'in', operand: path, list: list.map(value) };
    default:
      return { kind: 'compare', op: COMPARATORS[op]!, left: path, right: first! };
  }
}

/** AttributeUpdates as an update: PUT sets, DELETE removes (or takes members out of a set), ADD adds. */
export function legacyUpdate(updates: Record<string, { Action?: 'PUT' | 'DELETE' | 'ADD'; Value?: AttributeValue }>): UpdateActions {
  const actions: UpdateActions = { set: [], remove: [], add: [], delete: [] };
  for (const [name, { Action = 'PUT', Value }] of Object.entries(updates)) {
    const value: Operand | undefined = Value && { kind: 'value', value: checkValue(Value), name: '' };
    if (Action === 'DELETE') {
      if (value) actions.delete.push({ path: [name], value });
      else actions.remove.push([name]);
    } else {
      if (!value) throw new ValidationException(`One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified: ${name}`);
      actions[Action === 'ADD' ? 'add' : 'set'].push({ path: [name], value });
    }
  }
  return actions;
}
