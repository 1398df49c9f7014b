import type { RegisterContainerInstanceRequest, RegisterContainerInstanceResponse } from '@aws-sdk/client-ecs';
import { containerInstanceArn } from '../../core/arn.js';
import type { CallContext } from '../../core/caller.js';
import type { ContainerInstanceRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { parseIpv4 } from '../../core/ipv4.js';
import type { ControlContext } from '../context.js';
import { describeContainerInstance, identityAttributes, isEcsAttribute, mergeAttributes, parseIdentityDocument, validateAttribute } from './container-instances.js';
import { containerInstancesByCluster } from './indexes.js';
import { callerInstanceId, notOwnInstance } from './instance-binding.js';
import { resolveCluster } from './lookups.js';
import { validateTags } from './tagging.js';

/**
 * Called by the agent as it starts. With the containerInstanceArn it registered before, the same instance
 * comes back ACTIVE, keeping its ARN, registration time and custom attributes (an ARN ECS no longer knows
 * registers a new instance). The agent's channel, not this call, makes `agentConnected` true.
 *
 * An agent signing with its instance profile's session registers that instance: its EC2 instance id is
 * the session's, whatever the identity document says, and it may neither take over a container instance
 * of another EC2 instance nor hold two in one cluster (one agent per instance, as on EC2).
 */
export async function registerContainerInstance(
  ctx: ControlContext,
  input: RegisterContainerInstanceRequest,
  call?: CallContext,
): Promise<RegisterContainerInstanceResponse> {
  const identity = parseIdentityDocument(input.instanceIdentityDocument);
  const boundTo = callerInstanceId(call);
  const tags = input.tags ?? [];
  validateTags(tags);
  const sent = input.attributes ?? [];
  sent.forEach(validateAttribute);
  const { record, returning } = await ctx.state.mutate((tx) => {
    const cluster = resolveCluster(ctx, input.cluster, tx);
    const previous = input.containerInstanceArn ? tx.get('containerInstance', input.containerInstanceArn) : undefined;
    if (previous && previous.clusterArn !== cluster.clusterArn) {
      throw new InvalidParameterException(
        'The container instance is registered to another cluster. A container instance cannot move between clusters.',
      );
    }
    if (boundTo !== undefined) {
      if (previous && previous.ec2InstanceId !== boundTo) {
        throw notOwnInstance(call!, 'ecs:RegisterContainerInstance', previous.containerInstanceArn);
      }
      const twin = ctx.state
        .where(containerInstancesByCluster, cluster.clusterArn)
        .find((i) => i.ec2InstanceId === boundTo && i.status !== 'INACTIVE' && i.containerInstanceArn !== previous?.containerInstanceArn);
      if (twin) {
        throw new InvalidParameterException(
          `Instance ${boundTo} is already registered to the cluster as container instance ${twin.containerInstanceArn}.`,
        );
      }
    }
    const arn = previous?.containerInstanceArn ?? containerInstanceArn(ctx.partition, cluster.clusterName, ctx.ids.id());
    const custom = (previous?.attributes ?? []).filter((a) => !isEcsAttribute(a.name!));
    const registered: ContainerInstanceRecord = {
      containerInstanceArn: arn,
      clusterArn: cluster.clusterArn,
      ec2InstanceId: boundTo ?? identity.instanceId ?? previous?.ec2InstanceId ?? `i-${ctx.ids.id().slice(-17)}`,
      version: (previous?.version ?? 0) + 1,
      versionInfo: input.versionInfo ?? {},
      registeredResources: input.totalResources ?? [],
      status: 'ACTIVE',
      agentConnected: false,
      attributes: mergeAttributes(identityAttributes(identity), [...custom, ...sent]),
      registeredAt: previous?.registeredAt ?? ctx.clock.now(),
      ...(identity.privateIp && parseIpv4(identity.privateIp) !== undefined && { privateIpv4Address: identity.privateIp }),
      tags: tags.length > 0 ? tags : (previous?.tags ?? []),
    };
    return { record: tx.put('containerInstance', arn, registered), returning: previous !== undefined };
  });
  ctx.log.info(returning ? 'container instance re-registered' : 'container instance registered', {
    containerInstanceArn: record.containerInstanceArn,
    ec2InstanceId: record.ec2InstanceId,
  });
  return { containerInstance: describeContainerInstance(ctx, record, ['TAGS']) };
}
