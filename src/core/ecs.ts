// ECS records as Wharf keeps them. The shapes are the ECS API's own (types generated from AWS's model in
// @aws-sdk/client-ecs); a record narrows the members Wharf always fills and may add internal members.
// Internal members never reach the wire: the protocol layer serializes by the model's output shapes.
import type {
  Attribute,
  Cluster,
  Container,
  ContainerInstance,
  Resource,
  Tag,
  Task,
  TaskDefinition,
  TaskOverride,
} from '@aws-sdk/client-ecs';

export type { Attribute, Resource, Tag, TaskOverride };

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

/** The order tasks move through; a task never moves backwards. */
export const TASK_STATUS_ORDER: readonly TaskStatus[] = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
];

export interface ClusterRecord extends Cluster {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'PROVISIONING' | 'DEPROVISIONING' | 'FAILED' | 'INACTIVE';
  tags: Tag[];
  /** When DeleteCluster made it INACTIVE (not an ECS member): it stays describable for a while after. */
  deletedAt?: Date;
}

export interface TaskDefinitionRecord extends TaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  tags: Tag[];
}

export interface ContainerRecord extends Container {
  containerArn: string;
  taskArn: string;
  name: string;
  lastStatus: string;
  /** From the container definition (not ECS members of Container): what stops the task, what its health counts. */
  essential: boolean;
  healthCheck: boolean;
}

export interface TaskRecord extends Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  containers: ContainerRecord[];
  tags: Tag[];
  version: number;
  /** RunTask's clientToken and a digest of the request it came with, for idempotent retries (not ECS members). */
  clientToken?: string;
  clientRequest?: string;
}

export interface ContainerInstanceRecord extends ContainerInstance {
  containerInstanceArn: string;
  /** The cluster this instance is registered to (not an ECS member of ContainerInstance). */
  clusterArn: string;
  ec2InstanceId: string;
  status: 'ACTIVE' | 'DRAINING' | 'REGISTERING' | 'DEREGISTERING' | 'REGISTRATION_FAILED' | 'INACTIVE';
  agentConnected: boolean;
  registeredResources: Resource[];
  attributes: Attribute[];
  tags: Tag[];
  version: number;
  /** When DeregisterContainerInstance made it INACTIVE (not an ECS member). */
  deregisteredAt?: Date;
}

/** The revision counter of a task definition family: revisions are never reused, even after deletion. */
export interface TaskDefinitionFamilyRecord {
  family: string;
  latestRevision: number;
}

/** An account setting (PutAccountSetting) or account default (PutAccountSettingDefault, on the root ARN). */
export interface AccountSettingRecord {
  name: string;
  value: string;
  principalArn: string;
  type: 'user';
}

/** Every kind of record the control plane persists, by its kind name in the store. */
export interface RecordKinds {
  cluster: ClusterRecord;
  taskDefinition: TaskDefinitionRecord;
  task: TaskRecord;
  containerInstance: ContainerInstanceRecord;
  taskDefinitionFamily: TaskDefinitionFamilyRecord;
  accountSetting: AccountSettingRecord;
}
export type Kind = keyof RecordKinds;
