// ECS capacity providers made from Auto Scaling groups, as Wharf keeps them (ECS's CapacityProvider shape,
// types from @aws-sdk/client-ecs). FARGATE and FARGATE_SPOT are ECS's own and have no record.
import type { AutoScalingGroupProvider, CapacityProvider, ManagedScaling, Tag } from '@aws-sdk/client-ecs';

export interface CapacityProviderRecord extends CapacityProvider {
  capacityProviderArn: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  type: 'EC2_AUTOSCALING';
  autoScalingGroupProvider: AutoScalingGroupProvider & { autoScalingGroupArn: string; managedScaling: Required<ManagedScaling> };
  tags: Tag[];
  /** The Auto Scaling group's name (its ARN is what ECS shows). */
  groupName: string;
}

declare module './records.js' {
  interface RecordKinds {
    capacityProvider: CapacityProviderRecord;
  }
}

/** The termination hook ECS puts on a managed-draining provider's group (ECS's own name for it). */
export const MANAGED_DRAINING_HOOK = 'ecs-managed-draining-termination-hook';
