// Cloud Map's ids, ARNs, lookups, operations (each recorded SUCCESS at once: Wharf applies a change when it
// is asked) and list paging, shared by the operation files.
import { arn } from '../../core/arn.js';
import { InvalidInput, NamespaceNotFound, OperationNotFound, ServiceNotFound } from '../../core/servicediscovery-errors.js';
import type { SdNamespaceRecord, SdOperationRecord, SdServiceRecord } from '../../core/servicediscovery.js';
import type { ControlContext } from '../context.js';
import type { State, Transaction } from '../state.js';

/** Cloud Map's id shape: a prefix and 16 lowercase letters and digits. */
export const newId = (ctx: Pick<ControlContext, 'ids'>, prefix: 'ns' | 'srv') => `${prefix}-${ctx.ids.id().slice(-16)}`;

export const namespaceArn = (ctx: Pick<ControlContext, 'partition'>, id: string) => arn(ctx.partition, 'servicediscovery', `namespace/${id}`);
export const serviceArn = (ctx: Pick<ControlContext, 'partition'>, id: string) => arn(ctx.partition, 'servicediscovery', `service/${id}`);

/** Calls name a namespace or service by id or, since 2024, by ARN. */
const bareId = (id: string) => id.replace(/^arn:aws[\w-]*:servicediscovery:[\w-]+:\d{12}:(?:namespace|service)\//, '');

export function resolveNamespace(state: Pick<State, 'get'>, id: string): SdNamespaceRecord {
  const record = state.get('sdNamespace', bareId(id));
  if (!record) throw new NamespaceNotFound(`Namespace not found: ${id}`);
  return record;
}

export function resolveService(state: Pick<State, 'get'>, id: string): SdServiceRecord {
  const record = state.get('sdService', bareId(id));
  if (!record) throw new ServiceNotFound(`Service not found: ${id}`);
  return record;
}

export function resolveOperation(state: Pick<State, 'get'>, id: string): SdOperationRecord {
  const record = state.get('sdOperation', id);
  if (!record) throw new OperationNotFound(`Operation not found: ${id}`);
  return record;
}

/** Records a finished operation (SUCCESS, or FAIL with its error) and returns its id. */
export function recordOperation(
  ctx: ControlContext,
  tx: Transaction,
  Type: SdOperationRecord['Type'],
  Targets: SdOperationRecord['Targets'],
  failure?: { ErrorCode: string; ErrorMessage: string },
): string {
  const now = ctx.clock.now();
  const Id = ctx.ids.id();
  tx.put('sdOperation', Id, { Id, Type, Status: failure ? 'FAIL' : 'SUCCESS', ...failure, CreateDate: now, UpdateDate: now, Targets });
  return Id;
}

/** One page of `items` (NextToken: an opaque offset) and the token of the next, as `key` names the list. */
export function page<T, K extends string>(items: readonly T[], input: { NextToken?: string; MaxResults?: number }, key: K): Record<K, T[]> & { NextToken?: string } {
  let start = 0;
  if (input.NextToken !== undefined) {
    start = Number(Buffer.from(input.NextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0) throw new InvalidInput('The NextToken is not valid.');
  }
  const size = input.MaxResults ?? 100;
  const next = start + size < items.length ? { NextToken: Buffer.from(String(start + size)).toString('base64') } : {};
  return { [key]: items.slice(start, start + size), ...next } as Record<K, T[]> & { NextToken?: string };
}

/** A list filter as Cloud Map writes one: EQ (the default), IN, BEGINS_WITH, BETWEEN. */
export type Filter = { Name: string; Values: string[]; Condition?: 'EQ' | 'IN' | 'BETWEEN' | 'BEGINS_WITH' };

export function passes(value: string | undefined, filter: Filter): boolean {
  if (value === undefined) return false;
  switch (filter.Condition ?? 'EQ') {
    case 'EQ':
      return value === filter.Values[0];
    case 'IN':
      return filter.Values.includes(value);
    case 'BEGINS_WITH':
      return value.startsWith(filter.Values[0] ?? '');
    case 'BETWEEN':
      return Number(value) >= Number(filter.Values[0]) && Number(value) <= Number(filter.Values[1]);
  }
}
