// DynamoDB's errors (awsJson 1.0: the shape name is the code). ConditionalCheckFailedException and
// TransactionCanceledException carry members beyond the message (the item, the cancellation reasons),
// written from the error's own properties.
import { AwsError, define } from './errors.js';
import type { Item } from './dynamodb/attribute-values.js';

export class ConditionalCheckFailedException extends AwsError {
  constructor(readonly Item?: Item) {
    super('ConditionalCheckFailedException', 'The conditional request failed');
  }
}

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

export class TransactionCanceledException extends AwsError {
  constructor(readonly CancellationReasons: CancellationReason[]) {
    super('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`);
  }
}

export const IdempotentParameterMismatchException = define('IdempotentParameterMismatchException');
export const TransactionConflictException = define('TransactionConflictException');
export const TransactionInProgressException = define('TransactionInProgressException');
