// The scaling policy ECS puts on the Auto Scaling group of a capacity provider with managed scaling, once the
// provider serves a cluster: `ECSManagedAutoScalingPolicy-<uuid>`, target tracking of CapacityProviderReservation
// (AWS/ECS/ManagedScaling, the provider's and the cluster's dimensions) at targetCapacity, with the warm-up
// instanceWarmupPeriod, and its CloudWatch alarms TargetTracking-<group>-AlarmHigh-<uuid> and -AlarmLow-<uuid>
// made as EC2 Auto Scaling makes a target-tracking policy's. They are records a user sees (DescribePolicies,
// DescribeAlarms) and are removed with the provider (or its managed scaling, or its last cluster). The
// scaling decision itself is made directly by managed-scaling.ts, which names them in its activity causes.
import type { TargetTrackingScalingPolicyConfiguration } from '@aws-sdk/client-application-auto-scaling';
import { uuidOf } from '../../core/app-autoscaling.js';
import { autoScalingPolicyArn, type AutoScalingGroupRecord, type AutoScalingPolicyRecord } from '../../core/autoscaling.js';
import type { CapacityProviderRecord } from '../../core/capacity-providers.js';
import type { ClusterRecord } from '../../core/ecs.js';
import { deleteScalingAlarms, putScalingAlarms } from '../application-autoscaling/alarms.js';
import { STANDARD_TIMING, targetTrackingAlarms } from '../application-autoscaling/target-tracking-alarms.js';
import type { ControlContext } from '../context.js';

/** What the provider's policy should be: its group, the cluster it serves, or none. */
export interface ManagedScalingPolicyWanted {
  provider: CapacityProviderRecord;
  group: AutoScalingGroupRecord;
  cluster: ClusterRecord;
}

/** The provider's policy as it stands, if any. */
export const managedScalingPolicy = (ctx: ControlContext, provider: string): AutoScalingPolicyRecord | undefined =>
  [...ctx.state.all('autoScalingPolicy')].find((p) => p.capacityProvider === provider);

/** Makes, remakes (its settings changed) or removes the provider's policy and its alarms, so it is as wanted. */
export async function syncManagedScalingPolicy(ctx: ControlContext, providerName: string, wanted?: ManagedScalingPolicyWanted): Promise<void> {
  const existing = managedScalingPolicy(ctx, providerName);
  if (!wanted) {
    if (existing) await removePolicy(ctx, existing);
    return;
  }
  const { provider, group, cluster } = wanted;
  const scaling = provider.autoScalingGroupProvider.managedScaling;
  const TargetTrackingConfiguration = {
    CustomizedMetricSpecification: {
      MetricName: 'CapacityProviderReservation',
      Namespace: 'AWS/ECS/ManagedScaling',
      Dimensions: [
        { Name: 'CapacityProviderName', Value: provider.name },
        { Name: 'ClusterName', Value: cluster.clusterName },
      ],
      Statistic: 'Average' as const,
    },
    TargetValue: scaling.targetCapacity,
    DisableScaleIn: false,
  };
  const same =
    existing?.AutoScalingGroupName === group.AutoScalingGroupName &&
    existing.EstimatedInstanceWarmup === scaling.instanceWarmupPeriod &&
    JSON.stringify(existing.TargetTrackingConfiguration) === JSON.stringify(TargetTrackingConfiguration);
  if (same) return;
  if (existing) await removePolicy(ctx, existing);
  const uuid = uuidOf(ctx.ids.id());
  const PolicyName = `ECSManagedAutoScalingPolicy-${uuid}`;
  const PolicyARN = autoScalingPolicyArn(ctx.partition, uuid, group.AutoScalingGroupName, PolicyName);
  const inputs = targetTrackingAlarms(
    { PolicyARN, ResourceId: group.AutoScalingGroupName, config: TargetTrackingConfiguration as TargetTrackingScalingPolicyConfiguration },
    { high: ctx.ids.id(), low: ctx.ids.id() },
    STANDARD_TIMING,
  );
  const Alarms = await putScalingAlarms(ctx, inputs);
  const record: AutoScalingPolicyRecord = {
    AutoScalingGroupName: group.AutoScalingGroupName,
    PolicyName,
    PolicyARN,
    PolicyType: 'TargetTrackingScaling',
    EstimatedInstanceWarmup: scaling.instanceWarmupPeriod,
    TargetTrackingConfiguration,
    Alarms,
    Enabled: true,
    capacityProvider: provider.name,
  };
  await ctx.state.mutate((tx) => void tx.put('autoScalingPolicy', PolicyARN, record));
  ctx.log.info('managed scaling policy made', { capacityProvider: provider.name, policyArn: PolicyARN });
}

async function removePolicy(ctx: ControlContext, policy: AutoScalingPolicyRecord): Promise<void> {
  await deleteScalingAlarms(ctx, policy.Alarms.map((a) => a.AlarmName));
  await ctx.state.mutate((tx) => void tx.delete('autoScalingPolicy', policy.PolicyARN));
  ctx.log.info('managed scaling policy removed', { capacityProvider: policy.capacityProvider, policyArn: policy.PolicyARN });
}
