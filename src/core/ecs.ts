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
}

/** Every kind of record the control plane persists, by its kind name in the store. */
export interface RecordKinds {
  cluster: ClusterRecord;
  taskDefinition: TaskDefinitionRecord;
  task: TaskRecord;
  containerInstance: ContainerInstanceRecord;
}
export type Kind = keyof RecordKinds;
