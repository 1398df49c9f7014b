// Amazon EC2 Auto Scaling as Wharf keeps it: groups (AWS's AutoScalingGroup shape, types from
// @aws-sdk/client-auto-scaling) with their instances and termination lifecycle hooks inside, and scaling
// activities. The group controller (control/autoscaling/group-controller.ts) launches and terminates EC2
// instances until each group has its desired capacity; what it picks is decided here, without I/O
// (autoscaling-decisions.ts).
import type { Activity, AutoScalingGroup, Instance, LifecycleHook, ScalingPolicy, TagDescription, TargetTrackingConfiguration } from '@aws-sdk/client-auto-scaling';
import type { ScalingHistory } from './app-autoscaling.js';
import { arn, type Partition } from './arn.js';

/** An instance of a group, as DescribeAutoScalingGroups shows it, and what the controller tracks of it. */
export interface GroupInstance extends Instance {
  InstanceId: string;
  AvailabilityZone: string;
  LifecycleState: NonNullable<Instance['LifecycleState']>;
  HealthStatus: 'Healthy' | 'Unhealthy';
  ProtectedFromScaleIn: boolean;
  /** When it was launched (epoch ms): the health check grace period and OldestInstance count from it. */
  launchedAt: number;
  /** The launch template version it was launched with (OldestLaunchTemplate terminates older ones first). */
  templateVersion?: string;
  /** While in Terminating:Wait, when the lifecycle hook's heartbeat times out (epoch ms), and its token. */
  hook?: { name: string; token: string; deadline: number; defaultResult: 'CONTINUE' | 'ABANDON' };
  /** The activity that launches or terminates it, finished once it is running or gone. */
  activityId?: string;
  /** Why it is leaving the group (the cause its termination activity gives). */
  cause?: string;
}

export interface AutoScalingGroupRecord extends AutoScalingGroup {
  AutoScalingGroupName: string;
  AutoScalingGroupARN: string;
  MinSize: number;
  MaxSize: number;
  DesiredCapacity: number;
  DefaultCooldown: number;
  AvailabilityZones: string[];
  HealthCheckType: string;
  HealthCheckGracePeriod: number;
  CreatedTime: Date;
  Instances: GroupInstance[];
  Tags: TagDescription[];
  TerminationPolicies: string[];
  NewInstancesProtectedFromScaleIn: boolean;
  /** The group's subnets by zone (from VPCZoneIdentifier; empty: the zones' default subnets). */
  subnetsByZone: Record<string, string[]>;
  lifecycleHooks: LifecycleHook[];
  /** Why the desired capacity last changed, as the next activities' Cause begins ("At ... a user request ..."). */
  capacityCause: string;
  /** The scaling policies' last changes, for their cooldowns and warm-ups (not a wire member). */
  scalingHistory?: ScalingHistory;
}

export interface ScalingActivityRecord extends Activity {
  ActivityId: string;
  AutoScalingGroupName: string;
  AutoScalingGroupARN: string;
  Cause: string;
  StartTime: Date;
  StatusCode: NonNullable<Activity['StatusCode']>;
}

declare module './records.js' {
  interface RecordKinds {
    autoScalingGroup: AutoScalingGroupRecord;
    autoScalingActivity: ScalingActivityRecord;
    autoScalingPolicy: AutoScalingPolicyRecord;
  }
}

/**
 * A group's scaling policy, as DescribePolicies shows it: a user's (PutScalingPolicy: target tracking, step or
 * simple scaling) or a capacity provider's managed scaling (`ECSManagedAutoScalingPolicy-<uuid>`, target
 * tracking on CapacityProviderReservation), owned then by the provider it serves (not a wire member). A
 * target-tracking policy's alarms are CloudWatch's, made and owned by it. Kept under its ARN.
 */
export interface AutoScalingPolicyRecord extends ScalingPolicy {
  AutoScalingGroupName: string;
  PolicyName: string;
  PolicyARN: string;
  PolicyType: 'TargetTrackingScaling' | 'StepScaling' | 'SimpleScaling';
  TargetTrackingConfiguration?: TargetTrackingConfiguration;
  Alarms: { AlarmName: string; AlarmARN: string }[];
  Enabled: boolean;
  capacityProvider?: string;
}

/** `arn:aws:autoscaling:<region>:<account>:scalingPolicy:<uuid>:autoScalingGroupName/<group>:policyName/<name>`. */
export const autoScalingPolicyArn = (p: Partition, uuid: string, group: string, name: string) =>
  arn(p, 'autoscaling', `scalingPolicy:${uuid}:autoScalingGroupName/${group}:policyName/${name}`);

/** `arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`. */
export const autoScalingGroupArn = (p: Partition, uuid: string, name: string) =>
  arn(p, 'autoscaling', `autoScalingGroup:${uuid}:autoScalingGroupName/${name}`);

/** AWS's timestamps in activity causes: ISO 8601 to the second ("At 2024-05-01T10:00:00Z ..."). */
export const causeTime = (at: Date) => at.toISOString().replace(/\.\d+Z$/, 'Z');

/** Instances that count toward the group's capacity: launching or in service, not leaving. */
export const inCapacity = (i: Pick<GroupInstance, 'LifecycleState'>) => i.LifecycleState.startsWith('Pending') || i.LifecycleState === 'InService';

/** The tag EC2 Auto Scaling puts on every instance it launches, naming its group. */
export const GROUP_TAG = 'aws:autoscaling:groupName';

/** AWS's termination policies, in the order `Default` applies them. */
export const TERMINATION_POLICIES = ['Default', 'AllocationStrategy', 'OldestLaunchTemplate', 'OldestLaunchConfiguration', 'ClosestToNextInstanceHour', 'NewestInstance', 'OldestInstance'] as const;
