// Shared lookups: how ECS resolves the names, ids and ARNs callers pass for clusters, task definitions,
// tasks and container instances.
import { clusterArn, containerInstanceArn, parseArn, taskArn, taskDefinitionArn } from '../../core/arn.js';
import type { ClusterRecord, ContainerInstanceRecord, TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { ClientException, ClusterNotFoundException, InvalidParameterException } from '../../core/ecs-errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { taskDefinitionsByFamily } from './indexes.js';

/** What a lookup reads: the state itself, or a mutation's transaction (which also sees its own writes). */
export type Reader = Pick<Transaction, 'get'>;

/** A cluster's ARN from its short name or ARN; ECS assumes `default` when none is given. */
export const clusterArnOf = (ctx: ControlContext, cluster: string | undefined): string =>
  cluster?.startsWith('arn:') ? cluster : clusterArn(ctx.partition, cluster || 'default');

/** A cluster by short name or ARN; ECS assumes `default` when none is given. Deleted clusters are not found. */
export function resolveCluster(ctx: ControlContext, cluster: string | undefined, reader: Reader = ctx.state): ClusterRecord {
  const record = reader.get('cluster', clusterArnOf(ctx, cluster));
  if (!record || record.status === 'INACTIVE') throw new ClusterNotFoundException('Cluster not found.');
  return record;
}

/**
 * A task definition by `family` (its latest ACTIVE revision), `family:revision` or ARN, whatever its
 * status; callers that launch tasks check the status themselves. ECS words a missing one by operation:
 * "Unable to describe task definition." (Describe/Deregister), "TaskDefinition not found." (launches).
 */
export function resolveTaskDefinition(
  ctx: ControlContext,
  ref: string,
  reader: Reader = ctx.state,
  notFound = 'Unable to describe task definition.',
): TaskDefinitionRecord {
  const parsed = parseTaskDefinitionRef(ref);
  const found = !parsed
    ? undefined
    : parsed.revision === undefined
      ? latestActiveRevision(ctx, parsed.family, reader)
      : reader.get('taskDefinition', taskDefinitionArn(ctx.partition, parsed.family, parsed.revision));
  if (!found) throw new ClientException(notFound);
  return found;
}

/** `family`, `family:revision` or an ARN split into its family and revision; undefined when malformed. */
export function parseTaskDefinitionRef(ref: string): { family: string; revision?: number } | undefined {
  const name = parseArn(ref)?.resource.replace(/^task-definition\//, '') ?? ref;
  const [family = '', revision, ...rest] = name.split(':');
  if (rest.length > 0 || (revision !== undefined && !/^[1-9][0-9]*$/.test(revision))) return undefined;
  return revision === undefined ? { family } : { family, revision: Number(revision) };
}

/**
 * The family's highest ACTIVE revision. Counting down from the family's latest revision finds it at once
 * unless the newest were deregistered (a scan of the family costs as many reads as it has revisions, which
 * grow without bound); the scan remains for what the count-down does not find within that many reads.
 */
function latestActiveRevision(ctx: ControlContext, family: string, reader: Reader): TaskDefinitionRecord | undefined {
  const latest = reader.get('taskDefinitionFamily', family)?.latestRevision ?? 0;
  const reads = ctx.state.size(taskDefinitionsByFamily, family);
  for (let revision = latest; revision > 0 && revision > latest - reads; revision--) {
    const found = reader.get('taskDefinition', taskDefinitionArn(ctx.partition, family, revision));
    if (found?.status === 'ACTIVE') return found;
  }
  let highest: TaskDefinitionRecord | undefined;
  for (const d of ctx.state.where(taskDefinitionsByFamily, family)) {
    if (d.status === 'ACTIVE' && (!highest || d.revision > highest.revision)) highest = d;
  }
  return highest;
}

/** A task's ARN from its id or ARN (ids are completed with the cluster's name, as ECS's long ARNs are). */
export const taskArnOf = (ctx: ControlContext, cluster: ClusterRecord, task: string): string =>
  task.startsWith('arn:') ? task : taskArn(ctx.partition, cluster.clusterName, task);

/** A task of `cluster` by id or ARN. */
export function resolveTask(ctx: ControlContext, cluster: ClusterRecord, task: string, reader: Reader = ctx.state): TaskRecord {
  const found = reader.get('task', taskArnOf(ctx, cluster, task));
  if (found?.clusterArn !== cluster.clusterArn) throw new InvalidParameterException('The referenced task was not found.');
  return found;
}

/** A container instance's ARN from its id or ARN. */
export const containerInstanceArnOf = (ctx: ControlContext, cluster: ClusterRecord, instance: string): string =>
  instance.startsWith('arn:') ? instance : containerInstanceArn(ctx.partition, cluster.clusterName, instance);

/** A container instance of `cluster` by id or ARN, whatever its status; undefined when it is not in that cluster. */
export function findContainerInstance(
  ctx: ControlContext,
  cluster: ClusterRecord,
  instance: string,
  reader: Reader = ctx.state,
): ContainerInstanceRecord | undefined {
  const record = reader.get('containerInstance', containerInstanceArnOf(ctx, cluster, instance));
  return record?.clusterArn === cluster.clusterArn ? record : undefined;
}
