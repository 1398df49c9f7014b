// Application Auto Scaling as Wharf keeps it: scalable targets (ECS services' DesiredCount), their scaling
// policies (target tracking and step scaling), scheduled actions and scaling activities, in AWS's shapes
// (types from @aws-sdk/client-application-auto-scaling). Policies are invoked by CloudWatch alarms: a
// controller watches alarm records whose AlarmActions name a policy ARN (AWS re-invokes every minute while
// the alarm stays in ALARM); the decisions themselves are pure functions (app-autoscaling-decisions.ts).
import type {
  ScalableTarget,
  ScalingActivity,
  ScalingPolicy,
  ScheduledAction,
} from '@aws-sdk/client-application-auto-scaling';
import { arn, type Partition } from './arn.js';

export type Tags = Record<string, string>;

/** When the target last scaled out and in through a policy: what cooldowns count from (epoch ms). */
export interface ScalingHistory {
  /** The last scale-out: when, from and to which capacity, and the cooldown its policy set. */
  scaleOut?: { at: number; from: number; to: number; cooldownSeconds: number };
  scaleIn?: { at: number; cooldownSeconds: number };
}

export interface ScalableTargetRecord extends ScalableTarget {
  ServiceNamespace: NonNullable<ScalableTarget['ServiceNamespace']>;
  ResourceId: string;
  ScalableDimension: NonNullable<ScalableTarget['ScalableDimension']>;
  MinCapacity: number;
  MaxCapacity: number;
  ScalableTargetARN: string;
  CreationTime: Date;
  tags: Tags;
  history: ScalingHistory;
}

export interface ScalingPolicyRecord extends ScalingPolicy {
  PolicyARN: string;
  CreationTime: Date;
  /** The alarms a target-tracking policy made and owns (names and ARNs: CloudWatch's records). */
  Alarms: { AlarmName: string; AlarmARN: string }[];
}

export interface ScheduledActionRecord extends ScheduledAction {
  ScheduledActionARN: string;
  CreationTime: Date;
  /** The next time the action runs (epoch ms); absent once it never runs again. */
  nextRunAt?: number;
}

export interface ScalingActivityRecord extends ScalingActivity {
  ActivityId: string;
  StartTime: Date;
  /** The scalable target's key (targetKey), for lookups. */
  target: string;
}

declare module './records.js' {
  interface RecordKinds {
    scalableTarget: ScalableTargetRecord;
    scalingPolicy: ScalingPolicyRecord;
    scalingScheduledAction: ScheduledActionRecord;
    scalingActivity: ScalingActivityRecord;
  }
}

/** The one key of a scalable target: namespace, resource and dimension. */
export const targetKey = (t: { ServiceNamespace?: string; ResourceId?: string; ScalableDimension?: string }) =>
  `${t.ServiceNamespace}|${t.ResourceId}|${t.ScalableDimension}`;

/** The service-linked role AWS puts in ECS targets' RoleARN whatever the caller gives. */
export const ecsServiceLinkedRole = (p: Partition) =>
  `arn:aws:iam::${p.accountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`;

export const scalableTargetArn = (p: Partition, id: string) => arn(p, 'application-autoscaling', `scalable-target/${id}`);

/** `arn:aws:autoscaling:<region>:<account>:scalingPolicy:<uuid>:resource/ecs/service/<c>/<s>:policyName/<name>`. */
export const scalingPolicyArn = (p: Partition, uuid: string, namespace: string, resourceId: string, name: string) =>
  arn(p, 'autoscaling', `scalingPolicy:${uuid}:resource/${namespace}/${resourceId}:policyName/${name}`);

export const scheduledActionArn = (p: Partition, uuid: string, namespace: string, resourceId: string, name: string) =>
  arn(p, 'autoscaling', `scheduledAction:${uuid}:resource/${namespace}/${resourceId}:scheduledActionName/${name}`);

/** A 32-hex id as a UUID (8-4-4-4-12), as AWS writes the ids in these ARNs. */
export const uuidOf = (hex: string) => hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** `service/<cluster>/<service>`: the cluster and service names of an ECS resource id, or undefined. */
export function ecsServiceOf(resourceId: string): { cluster: string; service: string } | undefined {
  const match = /^service\/([A-Za-z0-9_-]{1,255})\/([A-Za-z0-9_-]{1,255})$/.exec(resourceId);
  return match ? { cluster: match[1]!, service: match[2]! } : undefined;
}

/** AWS's activity texts for a desired-count change on ECS. */
export const activityText = {
  setting: (capacity: number) => `Setting desired count to ${capacity}.`,
  done: (capacity: number) => `Successfully set desired count to ${capacity}. Change successfully fulfilled by ecs.`,
  failed: (capacity: number, why: string) => `Failed to set desired count to ${capacity}. Reason: ${why}`,
  alarmCause: (alarmName: string, policyName: string) => `monitor alarm ${alarmName} in state ALARM triggered policy ${policyName}`,
  scheduledCause: (name: string) => `scheduled action name ${name} was triggered`,
  minCause: (capacity: number) => `minimum capacity was set to ${capacity}`,
  maxCause: (capacity: number) => `maximum capacity was set to ${capacity}`,
  settingBounds: (min: number | undefined, max: number | undefined) => `Setting ${bounds(min, max)}`,
  boundsDone: (min: number | undefined, max: number | undefined) => `Successfully set ${bounds(min, max)}`,
};

const bounds = (min: number | undefined, max: number | undefined) =>
  [min !== undefined && `min capacity to ${min}`, max !== undefined && `max capacity to ${max}`].filter(Boolean).join(' and ');
