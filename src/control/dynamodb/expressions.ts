// A request's expressions: the names and values they may use (values checked as items are), each
// expression parsed once, and AWS's refusal of names or values no expression used. Shared by every item
// operation, and by each item of a transaction or a batch.
import { ValidationException } from '../../core/errors.js';
import { checkValue, type AttributeValue } from '../../core/dynamodb/attribute-values.js';
import { legacyCondition, legacyUpdate, mixed, type LegacyCondition } from './legacy.js';
import { ExpressionContext, parseCondition, parseProjection, parseUpdate, type Condition, type Path, type UpdateActions } from '../../core/dynamodb/expressions.js';

export interface ExpressionInput {
  ConditionExpression?: string;
  UpdateExpression?: string;
  ProjectionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  Expected?: Record<string, LegacyCondition>;
  ConditionalOperator?: 'AND' | 'OR';
  QueryFilter?: Record<string, LegacyCondition>;
  ScanFilter?: Record<string, LegacyCondition>;
  AttributeUpdates?: Record<string, { Action?: 'PUT' | 'DELETE' | 'ADD'; Value?: AttributeValue }>;
}

export interface ParsedExpressions {
  context: ExpressionContext;
  condition?: Condition;
  update?: UpdateActions;
  projection?: Path[];
  filter?: Condition;
}

/**
 * Parses the request's expressions; `more` parses any others (a query's key condition) before the check
 * that every name and value was used.
 */
export function parseExpressions(input: ExpressionInput, more?: (context: ExpressionContext) => void): ParsedExpressions {
  const given = [input.ConditionExpression, input.UpdateExpression, input.ProjectionExpression, input.FilterExpression, input.KeyConditionExpression];
  if (given.every((e) => e === undefined)) {
    if (input.ExpressionAttributeNames) throw new ValidationException('ExpressionAttributeNames can only be specified when using expressions');
    if (input.ExpressionAttributeValues) throw new ValidationException('ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
  }
  const values = input.ExpressionAttributeValues && checkValues(input.ExpressionAttributeValues);
  const context = new ExpressionContext(input.ExpressionAttributeNames, values);
  const parsed: ParsedExpressions = {
    context,
    ...(input.ConditionExpression !== undefined && { condition: parseCondition(input.ConditionExpression, context) }),
    ...(input.UpdateExpression !== undefined && { update: parseUpdate(input.UpdateExpression, context) }),
    ...(input.ProjectionExpression !== undefined && { projection: parseProjection(input.ProjectionExpression, context) }),
    ...(input.FilterExpression !== undefined && { filter: parseCondition(input.FilterExpression, context, 'FilterExpression') }),
  };
  more?.(context);
  context.checkAllUsed();
  return withLegacy(input, parsed);
}

/** The legacy parameters in the place of the expressions they stand for. */
function withLegacy(input: ExpressionInput, parsed: ParsedExpressions): ParsedExpressions {
  const filter = input.QueryFilter ?? input.ScanFilter;
  if (input.Expected && input.ConditionExpression !== undefined) throw mixed('Expected', 'ConditionExpression');
  if (filter && input.FilterExpression !== undefined) throw mixed(input.QueryFilter ? 'QueryFilter' : 'ScanFilter', 'FilterExpression');
  if (input.AttributeUpdates && input.UpdateExpression !== undefined) throw mixed('AttributeUpdates', 'UpdateExpression');
  const condition = input.Expected && legacyCondition(input.Expected, input.ConditionalOperator);
  const legacyFilter = filter && legacyCondition(filter, input.ConditionalOperator);
  return {
    ...parsed,
    ...(condition && { condition }),
    ...(legacyFilter && { filter: legacyFilter }),
    ...(input.AttributeUpdates && { update: legacyUpdate(input.AttributeUpdates) }),
  };
}

function checkValues(values: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(values)) {
    try {
      out[name] = checkValue(value);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      throw new ValidationException(`ExpressionAttributeValues contains invalid value: ${error.message} for key ${name}`);
    }
  }
  return out;
}

/** The projection of AttributesToGet (the legacy parameter: top-level names), refused beside a ProjectionExpression. */
export function projectionOf(input: { AttributesToGet?: string[]; ProjectionExpression?: string }, parsed: ParsedExpressions): Path[] | undefined {
  if (input.AttributesToGet === undefined) return parsed.projection;
  if (input.ProjectionExpression !== undefined)
    throw mixed('AttributesToGet', 'ProjectionExpression');
  if (new Set(input.AttributesToGet).size !== input.AttributesToGet.length) throw new ValidationException('One or more parameter values were invalid: Duplicate value in attribute name: ' + input.AttributesToGet.join(', '));
  return input.AttributesToGet.map((name) => [name]);
}
