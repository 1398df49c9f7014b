// What the container-instance operations share: how ECS shows an instance (its remaining resources and task
// counts come from the cluster's placement snapshot, kept current as state commits), which of its attributes
// are ECS's own, and the attributes ECS derives from the instance identity document at registration.
import { HOST_ID_ATTRIBUTE } from '../../core/efs-exports.js';
import type { Attribute, ContainerInstance, ContainerInstanceHealthStatus } from '@aws-sdk/client-ecs';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { AttributeLimitExceededException, InvalidParameterException, TargetNotFoundException } from '../../core/ecs-errors.js';
import { clusterSnapshots } from './cluster-snapshots.js';
import type { ControlContext } from '../context.js';
import { isPending } from './clusters.js';
import { findContainerInstance, resolveCluster } from './lookups.js';
import { tasksByContainerInstance } from './indexes.js';

/** Attributes ECS and its agent set; every other attribute is custom (PutAttributes). */
// The agent's own attributes: ECS's, and the host id Wharf's agents register (docs/efs.md); not a user's to set,
// nor counted among the 10 custom ones.
export const isEcsAttribute = (name: string): boolean => name.startsWith('ecs.') || name.startsWith('com.amazonaws.ecs.') || name === HOST_ID_ATTRIBUTE;

/** A container instance as DescribeContainerInstances shows it; `include` adds TAGS and CONTAINER_INSTANCE_HEALTH. */
export function describeContainerInstance(
  ctx: ControlContext,
  record: ContainerInstanceRecord,
  include: readonly string[] = [],
): ContainerInstance {
  const arn = record.containerInstanceArn;
  const snapshot = clusterSnapshots(ctx.state).of(record.clusterArn);
  const { clusterArn: _clusterArn, deregisteredAt: _deregisteredAt, tags, ...instance } = record;
  return {
    ...instance,
    remainingResources: snapshot.remainingResources(arn) ?? record.registeredResources,
    runningTasksCount: snapshot.view(arn)?.runningTasksCount ?? 0,
    pendingTasksCount: ctx.state.where(tasksByContainerInstance, arn).filter(isPending).length,
    ...(include.includes('TAGS') ? { tags } : {}),
    ...(include.includes('CONTAINER_INSTANCE_HEALTH') ? { healthStatus: health(ctx, record) } : {}),
  };
}

/** Wharf checks one thing about an instance: that its agent, and so its container runtime, is reachable. */
function health(ctx: ControlContext, record: ContainerInstanceRecord): ContainerInstanceHealthStatus {
  const status = record.agentConnected ? 'OK' : 'INSUFFICIENT_DATA';
  return { overallStatus: status, details: [{ type: 'CONTAINER_RUNTIME', status, lastUpdated: ctx.clock.now() }] };
}

/** The members of an EC2 instance identity document that ECS reads. */
interface InstanceIdentity {
  instanceId?: string;
  availabilityZone?: string;
  instanceType?: string;
  imageId?: string;
  architecture?: string;
  privateIp?: string;
}

export function parseIdentityDocument(document: string | undefined): InstanceIdentity {
  if (!document) return {};
  try {
    const parsed: unknown = JSON.parse(document);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as InstanceIdentity;
  } catch {
    // falls through to the error below
  }
  throw new InvalidParameterException('The instance identity document is not a valid JSON document.');
}

/** The attributes ECS sets on a registering instance, from its identity document, unless the agent sent them. */
export function identityAttributes(identity: InstanceIdentity): Attribute[] {
  const architecture = identity.architecture === 'aarch64' ? 'arm64' : (identity.architecture ?? 'x86_64');
  const attributes: [string, string | undefined][] = [
    ['ecs.os-type', 'linux'],
    ['ecs.os-family', 'LINUX'],
    ['ecs.cpu-architecture', architecture],
    ['ecs.availability-zone', identity.availabilityZone],
    ['ecs.instance-type', identity.instanceType],
    ['ecs.ami-id', identity.imageId],
  ];
  return attributes.filter((a): a is [string, string] => a[1] !== undefined).map(([name, value]) => ({ name, value }));
}

/** `attributes` with `changes` applied by name (later ones win). */
export function mergeAttributes(attributes: readonly Attribute[], changes: readonly Attribute[]): Attribute[] {
  const byName = new Map(attributes.map((a) => [a.name, a]));
  for (const a of changes) byName.set(a.name, a.value === undefined ? { name: a.name } : { name: a.name, value: a.value });
  return [...byName.values()];
}

/** PutAttributes and DeleteAttributes take at most 10 attributes, and an instance holds at most 10 custom ones. */
export const MAX_CUSTOM_ATTRIBUTES = 10;
const ATTRIBUTE_NAME = /^[a-zA-Z0-9_./\\-]{1,128}$/;
const ATTRIBUTE_VALUE = /^[a-zA-Z0-9_.@/\\: -]{1,128}$/;

function validateCustomAttribute(a: Attribute): void {
  validateAttribute(a);
  if (isEcsAttribute(a.name!)) throw new InvalidParameterException(`Attribute name '${a.name}' is reserved for Amazon ECS.`);
  if (a.targetType !== undefined && a.targetType !== 'container-instance') {
    throw new InvalidParameterException('targetType should be one of [container-instance]');
  }
  if (!a.targetId) throw new InvalidParameterException(`The attribute '${a.name}' needs a targetId.`);
}

/** An attribute's name and value as ECS accepts them, from PutAttributes or from an agent's registration. */
export function validateAttribute(a: Attribute): void {
  if (!a.name || !ATTRIBUTE_NAME.test(a.name)) {
    throw new InvalidParameterException(
      `Invalid attribute name '${a.name ?? ''}'. Names are 1-128 letters, numbers, hyphens, underscores, slashes, back slashes or periods.`,
    );
  }
  if (a.value !== undefined && (!ATTRIBUTE_VALUE.test(a.value) || a.value.startsWith(' ') || a.value.endsWith(' '))) {
    throw new InvalidParameterException(
      `Invalid value for attribute '${a.name}'. Values are 1-128 letters, numbers, hyphens, underscores, periods, at signs, slashes, back slashes, colons or spaces, and neither start nor end with a space.`,
    );
  }
}

/**
 * PutAttributes and DeleteAttributes: checks the custom attributes, then, in one mutation, applies `change`
 * to the attributes of each container instance they target. Answers with the attributes as given.
 */
export async function changeAttributes(
  ctx: ControlContext,
  clusterRef: string | undefined,
  attributes: readonly Attribute[],
  change: (existing: readonly Attribute[], given: readonly Attribute[]) => Attribute[],
): Promise<Attribute[]> {
  if (attributes.length === 0) throw new InvalidParameterException('attributes can not be empty');
  if (attributes.length > MAX_CUSTOM_ATTRIBUTES) {
    throw new InvalidParameterException(`You can specify up to ${MAX_CUSTOM_ATTRIBUTES} attributes in a single call.`);
  }
  attributes.forEach(validateCustomAttribute);
  await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, clusterRef, tx);
    const byTarget = new Map<string, { instance: ContainerInstanceRecord; given: Attribute[] }>();
    for (const a of attributes) {
      const instance = findContainerInstance(ctx, cluster, a.targetId!, tx);
      if (!instance || instance.status === 'INACTIVE') {
        throw new TargetNotFoundException(
          `Could not find ${a.targetId}. Container instances are cluster-specific and Region-specific; ListContainerInstances shows the available ones.`,
        );
      }
      const entry = byTarget.get(instance.containerInstanceArn) ?? { instance, given: [] };
      entry.given.push(a);
      byTarget.set(instance.containerInstanceArn, entry);
    }
    for (const { instance, given } of byTarget.values()) {
      const next = change(instance.attributes, given);
      if (next.filter((a) => !isEcsAttribute(a.name!)).length > MAX_CUSTOM_ATTRIBUTES) {
        throw new AttributeLimitExceededException(
          `You can apply up to ${MAX_CUSTOM_ATTRIBUTES} custom attributes for each resource. You can view the attributes of a resource with ListAttributes. You can remove existing attributes on a resource with DeleteAttributes.`,
        );
      }
      tx.put('containerInstance', instance.containerInstanceArn, { ...instance, attributes: next, version: instance.version + 1 });
    }
  });
  return attributes.map((a) => ({ ...a, targetType: 'container-instance' }));
}
