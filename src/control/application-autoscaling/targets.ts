// Scalable targets: how a request names one (namespace, resource id, dimension), what Wharf can scale
// (ECS services' DesiredCount), pagination, and the indexes over policies, actions and activities.
import { serviceArn } from '../../core/arn.js';
import { ecsServiceOf, targetKey, type ScalableTargetRecord } from '../../core/app-autoscaling.js';
import { InvalidNextTokenException, ObjectNotFoundException } from '../../core/app-autoscaling-errors.js';
import { ValidationException } from '../../core/errors.js';
import type { ServiceRecord } from '../../core/ecs.js';
import type { ControlContext } from '../context.js';
import { defineIndex, type State, type Transaction } from '../state.js';

export const policiesByTarget = defineIndex('scalingPolicy', targetKey);
export const scheduledActionsByTarget = defineIndex('scalingScheduledAction', targetKey);
export const activitiesByTarget = defineIndex('scalingActivity', (a) => a.target);

export interface TargetRef {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
}

/** Checks that Wharf scales this kind of target: an ECS service's DesiredCount, `service/<cluster>/<service>`. */
export function checkTargetRef(ref: TargetRef): { cluster: string; service: string } {
  if (ref.ServiceNamespace !== 'ecs') throw new ValidationException(`Unsupported service namespace ${ref.ServiceNamespace}: Wharf scales ECS services`);
  if (ref.ScalableDimension !== 'ecs:service:DesiredCount')
    throw new ValidationException(`Unsupported scalable dimension '${ref.ScalableDimension}' for service namespace 'ecs'`);
  const service = ecsServiceOf(ref.ResourceId);
  if (!service) throw new ValidationException(`Unsupported resource id ${ref.ResourceId}: an ECS service is service/<cluster-name>/<service-name>`);
  return service;
}

/** The ECS service a target scales, when it exists and is ACTIVE. */
export function serviceOf(ctx: ControlContext, ref: TargetRef, reader: Pick<Transaction, 'get'> = ctx.state): ServiceRecord | undefined {
  const names = ecsServiceOf(ref.ResourceId);
  const record = names && reader.get('service', serviceArn(ctx.partition, names.cluster, names.service));
  return record?.status === 'ACTIVE' ? record : undefined;
}

export function resolveTarget(reader: Pick<Transaction, 'get'>, ref: TargetRef): ScalableTargetRecord {
  const record = reader.get('scalableTarget', targetKey(ref));
  if (!record) throw new ObjectNotFoundException(`No scalable target registered for service namespace: ${ref.ServiceNamespace}, resource ID: ${ref.ResourceId}, scalable dimension: ${ref.ScalableDimension}`);
  return record;
}

/** Items from an opaque NextToken (an offset), at most `max` (Application Auto Scaling's limit is 50). */
export function page<T>(items: T[], nextToken: string | undefined, maxResults: number | undefined, max = 50): { items: T[]; NextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw new InvalidNextTokenException('Invalid token');
  }
  const size = maxResults ?? max;
  if (size < 0 || size > max) throw new ValidationException(`MaxResults must be between 0 and ${max}`);
  const slice = items.slice(start, start + size);
  return { items: slice, ...(start + size < items.length && { NextToken: Buffer.from(String(start + size)).toString('base64') }) };
}

/** Records of `kind` matching the namespace and, when given, the resource ids and dimension. */
export function filtered<T extends { ServiceNamespace?: string; ResourceId?: string; ScalableDimension?: string }>(
  records: Iterable<T>,
  input: { ServiceNamespace?: string; ResourceId?: string; ResourceIds?: string[]; ScalableDimension?: string },
): T[] {
  const ids = input.ResourceIds?.length ? new Set(input.ResourceIds) : input.ResourceId ? new Set([input.ResourceId]) : undefined;
  return [...records].filter(
    (r) => r.ServiceNamespace === input.ServiceNamespace && (!ids || ids.has(r.ResourceId!)) && (!input.ScalableDimension || r.ScalableDimension === input.ScalableDimension),
  );
}

/** The state's records of a kind, oldest first. */
export const byCreation = <T extends { CreationTime?: Date }>(records: Iterable<T>): T[] =>
  [...records].sort((a, b) => new Date(a.CreationTime!).getTime() - new Date(b.CreationTime!).getTime());

export type Reader = Pick<State, 'all' | 'where' | 'get'>;
