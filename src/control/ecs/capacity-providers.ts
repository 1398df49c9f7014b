// Auto Scaling group capacity providers: Create/Update/DeleteCapacityProvider, the lookups the cluster,
// RunTask and service operations share, and what a provider sets on its group (ECS's managed draining
// termination hook). Managed scaling itself is the managed-scaling controller's (managed-scaling.ts).
import type {
  AutoScalingGroupProvider,
  AutoScalingGroupProviderUpdate,
  CreateCapacityProviderRequest,
  CreateCapacityProviderResponse,
  DeleteCapacityProviderRequest,
  DeleteCapacityProviderResponse,
  ManagedScaling,
  UpdateCapacityProviderRequest,
  UpdateCapacityProviderResponse,
} from '@aws-sdk/client-ecs';
import { arn } from '../../core/arn.js';
import type { AutoScalingGroupRecord } from '../../core/autoscaling.js';
import { MANAGED_DRAINING_HOOK, type CapacityProviderRecord } from '../../core/capacity-providers.js';
import { ClientException, InvalidParameterException, UnsupportedFeatureException } from '../../core/ecs-errors.js';
import { ResourceInUseException } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import type { Transaction } from '../state.js';
import { FARGATE_CAPACITY_PROVIDERS } from './fargate.js';
import { servicesByCluster } from './indexes.js';
import { resolveCluster, type Reader } from './lookups.js';
import { validateTags } from './tagging.js';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;

export const capacityProviderArn = (ctx: Pick<ControlContext, 'partition'>, name: string) => arn(ctx.partition, 'ecs', `capacity-provider/${name}`);

/** The provider a name or ARN names, if it is an Auto Scaling group provider of this account. */
export function findCapacityProvider(ctx: Pick<ControlContext, 'partition'>, reader: Reader, ref: string): CapacityProviderRecord | undefined {
  const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref;
  const record = reader.get('capacityProvider', name);
  return record && (!ref.startsWith('arn:') || record.capacityProviderArn === ref) ? record : undefined;
}

/** The provider to update or delete; ECS's own are reserved. */
function changeable(ctx: ControlContext, reader: Reader, ref: string, cluster: string | undefined, verb: string): CapacityProviderRecord {
  if (cluster !== undefined) resolveCluster(ctx, cluster, reader);
  const name = ref.split('/').at(-1)!;
  if (!isGroupProvider(name)) throw new InvalidParameterException(`The ${name} capacity provider is reserved and cannot be ${verb}.`);
  const found = findCapacityProvider(ctx, reader, ref);
  if (!found) throw new ClientException('The specified capacity provider does not exist.');
  return found;
}

/** Whether a strategy item names an Auto Scaling group provider (not one of Fargate's). */
export const isGroupProvider = (name: string | undefined) => !FARGATE_CAPACITY_PROVIDERS.includes(name ?? '');

function groupOf(ctx: ControlContext, ref: string): AutoScalingGroupRecord {
  const name = ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('autoScalingGroupName/') + 'autoScalingGroupName/'.length) : ref;
  const group = ctx.state.get('autoScalingGroup', name);
  if (!group || (ref.startsWith('arn:') && group.AutoScalingGroupARN !== ref)) {
    throw new ClientException(`The specified Auto Scaling group ${ref} does not exist or you do not have access to it. Specify a valid Auto Scaling group and try again.`);
  }
  return group;
}

/** Managed scaling with ECS's defaults, its ranges checked. */
function managedScaling(given: ManagedScaling | undefined, current?: Required<ManagedScaling>): Required<ManagedScaling> {
  const scaling: Required<ManagedScaling> = {
    status: given?.status ?? current?.status ?? (given ? 'ENABLED' : 'DISABLED'),
    targetCapacity: given?.targetCapacity ?? current?.targetCapacity ?? 100,
    minimumScalingStepSize: given?.minimumScalingStepSize ?? current?.minimumScalingStepSize ?? 1,
    maximumScalingStepSize: given?.maximumScalingStepSize ?? current?.maximumScalingStepSize ?? 10000,
    instanceWarmupPeriod: given?.instanceWarmupPeriod ?? current?.instanceWarmupPeriod ?? 300,
  };
  if (scaling.targetCapacity < 1 || scaling.targetCapacity > 100) throw new InvalidParameterException('The specified target capacity is not valid. The target capacity must be between 1 and 100.');
  const steps = [scaling.minimumScalingStepSize, scaling.maximumScalingStepSize];
  if (steps.some((s) => s < 1 || s > 10000)) throw new InvalidParameterException('The specified scaling step size is not valid. The scaling step size must be between 1 and 10000.');
  if (scaling.minimumScalingStepSize > scaling.maximumScalingStepSize) {
    throw new InvalidParameterException('The minimum scaling step size must be less than or equal to the maximum scaling step size.');
  }
  if (scaling.instanceWarmupPeriod < 0 || scaling.instanceWarmupPeriod > 10000) throw new InvalidParameterException('The specified instance warmup period is not valid. The instance warmup period must be between 0 and 10000.');
  return scaling;
}

/** A provider's Auto Scaling settings after `update`, checked as ECS checks them against its group. */
function groupProvider(group: AutoScalingGroupRecord, update: AutoScalingGroupProviderUpdate, current?: CapacityProviderRecord['autoScalingGroupProvider']): CapacityProviderRecord['autoScalingGroupProvider'] {
  const scaling = managedScaling(update.managedScaling, current?.managedScaling);
  const protection = update.managedTerminationProtection ?? current?.managedTerminationProtection ?? 'DISABLED';
  if (protection === 'ENABLED') {
    if (scaling.status !== 'ENABLED') {
      throw new InvalidParameterException('The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must also be enabled.');
    }
    if (!group.NewInstancesProtectedFromScaleIn) {
      throw new InvalidParameterException('The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.');
    }
  }
  return {
    autoScalingGroupArn: group.AutoScalingGroupARN,
    managedScaling: scaling,
    managedTerminationProtection: protection,
    managedDraining: update.managedDraining ?? current?.managedDraining ?? 'ENABLED',
  };
}

/** ECS's termination hook on the group while the provider drains its instances (managedDraining), none otherwise. */
function setDrainingHook(tx: Transaction, groupName: string, provider: AutoScalingGroupProvider | undefined): void {
  const group = tx.get('autoScalingGroup', groupName);
  if (!group) return;
  const others = group.lifecycleHooks.filter((h) => h.LifecycleHookName !== MANAGED_DRAINING_HOOK);
  const hooks =
    provider?.managedDraining === 'ENABLED'
      ? [
          ...others,
          {
            LifecycleHookName: MANAGED_DRAINING_HOOK,
            AutoScalingGroupName: groupName,
            LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
            HeartbeatTimeout: 3600,
            GlobalTimeout: 172800,
            DefaultResult: 'CONTINUE',
          },
        ]
      : others;
  tx.put('autoScalingGroup', groupName, { ...group, lifecycleHooks: hooks });
}

export async function createCapacityProvider(ctx: ControlContext, input: CreateCapacityProviderRequest): Promise<CreateCapacityProviderResponse> {
  const name = input.name!;
  if (/^(aws|ecs|fargate)/i.test(name)) {
    throw new InvalidParameterException('The specified capacity provider name is invalid. Capacity provider names cannot begin with "aws", "ecs", or "fargate".');
  }
  if (!NAME.test(name)) throw new InvalidParameterException('The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens.');
  if (input.cluster !== undefined || input.managedInstancesProvider) {
    if (input.cluster !== undefined) resolveCluster(ctx, input.cluster);
    throw new UnsupportedFeatureException("Amazon ECS Managed Instances isn't supported in this Region.");
  }
  if (!input.autoScalingGroupProvider) throw new InvalidParameterException('An Auto Scaling group provider must be specified.');
  validateTags(input.tags ?? []);
  const group = groupOf(ctx, input.autoScalingGroupProvider.autoScalingGroupArn!);
  const settings = groupProvider(group, input.autoScalingGroupProvider);
  const record = await ctx.state.mutate((tx) => {
    if (tx.get('capacityProvider', name)) {
      throw new ClientException('The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider.');
    }
    if ([...ctx.state.all('capacityProvider')].some((p) => p.groupName === group.AutoScalingGroupName)) {
      throw new ClientException('The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again.');
    }
    setDrainingHook(tx, group.AutoScalingGroupName, settings);
    return tx.put('capacityProvider', name, {
      capacityProviderArn: capacityProviderArn(ctx, name),
      name,
      status: 'ACTIVE',
      type: 'EC2_AUTOSCALING',
      autoScalingGroupProvider: settings,
      tags: input.tags ?? [],
      groupName: group.AutoScalingGroupName,
    });
  });
  ctx.log.info('capacity provider created', { name, group: group.AutoScalingGroupName });
  return { capacityProvider: viewOf(record) };
}

export async function updateCapacityProvider(ctx: ControlContext, input: UpdateCapacityProviderRequest): Promise<UpdateCapacityProviderResponse> {
  const record = await ctx.state.mutate((tx) => {
    const current = changeable(ctx, tx, input.name!, input.cluster, 'updated');
    if (!input.autoScalingGroupProvider) throw new InvalidParameterException('An Auto Scaling group provider update must be specified.');
    const group = groupOf(ctx, current.groupName);
    const settings = groupProvider(group, input.autoScalingGroupProvider, current.autoScalingGroupProvider);
    setDrainingHook(tx, group.AutoScalingGroupName, settings);
    return tx.put('capacityProvider', current.name, { ...current, autoScalingGroupProvider: settings, updateStatus: 'UPDATE_COMPLETE' });
  });
  return { capacityProvider: viewOf(record) };
}

/** Deletes a provider no cluster and no service uses (ECS refuses one still associated). */
export async function deleteCapacityProvider(ctx: ControlContext, input: DeleteCapacityProviderRequest): Promise<DeleteCapacityProviderResponse> {
  const record = await ctx.state.mutate((tx) => {
    const current = changeable(ctx, tx, input.capacityProvider!, input.cluster, 'deleted');
    for (const cluster of ctx.state.all('cluster')) {
      if (cluster.capacityProviders?.includes(current.name)) {
        throw new ClientException(`The specified capacity provider is in use and cannot be removed. Disassociate it from the cluster ${cluster.clusterName} and try again.`);
      }
    }
    setDrainingHook(tx, current.groupName, undefined);
    tx.delete('capacityProvider', current.name);
    return { ...current, status: 'INACTIVE' as const, updateStatus: 'DELETE_COMPLETE' as const };
  });
  return { capacityProvider: viewOf(record) };
}

/** A provider as ECS shows it. */
export const viewOf = ({ groupName: _, ...provider }: CapacityProviderRecord) => provider;

/** Whether a service of the cluster still uses the provider in its strategy (PutClusterCapacityProviders keeps it then). */
export const usedByServices = (ctx: ControlContext, clusterArn: string, name: string) =>
  ctx.state.where(servicesByCluster, clusterArn).some((s) => s.status !== 'INACTIVE' && s.capacityProviderStrategy?.some((i) => i.capacityProvider === name));

/**
 * The providers a cluster is given must exist (Fargate's always do); one a service of the cluster still
 * uses in its strategy cannot be taken away (PutClusterCapacityProviders' ResourceInUseException).
 */
export function checkClusterProviders(ctx: ControlContext, providers: readonly string[], cluster?: { clusterArn: string; capacityProviders?: string[] }): void {
  for (const name of providers) {
    if (isGroupProvider(name) && !findCapacityProvider(ctx, ctx.state, name)) {
      throw new InvalidParameterException(`The specified capacity provider '${name}' does not exist. Specify a valid name or ARN and try again.`);
    }
  }
  for (const name of cluster?.capacityProviders ?? []) {
    if (!providers.includes(name) && usedByServices(ctx, cluster!.clusterArn, name)) throw new ResourceInUseException('The specified capacity provider is in use and cannot be removed.');
  }
}
