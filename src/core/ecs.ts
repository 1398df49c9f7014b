// ECS records as Wharf keeps them. The shapes are the ECS API's own (types generated from AWS's model in
// @aws-sdk/client-ecs); a record narrows the members Wharf always fills and may add internal members.
// Internal members never reach the wire: the protocol layer serializes by the model's output shapes.
import type {
  AwsVpcConfiguration,
  Attribute,
  Cluster,
  Container,
  ContainerInstance,
  Deployment,
  DeploymentConfiguration,
  DeploymentLifecycleHook,
  DeploymentLifecycleHookDetail,
  DeploymentRolloutState,
  Resource,
  Service,
  ServiceConnectConfiguration,
  ServiceDeployment,
  ServiceEvent,
  ServiceRevision,
  Tag,
  Task,
  TaskDefinition,
  TaskOverride,
  TaskSet,
  LoadBalancer,
  ServiceRegistry,
} from '@aws-sdk/client-ecs';

import type { TargetHealthState } from './elbv2.js';
import type { UsageRecord } from './usage.js';

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
  /** The service scheduler has counted this stopped task (failedTasks, start throttle): each stop counts once. */
  serviceAccounted?: boolean;
  /**
   * The Wharf-managed host that runs a Fargate task (not an ECS member: Fargate tasks have no container
   * instance the user can see). It is the container instance ARN of the agent serving managed capacity.
   */
  managedHostArn?: string;
  /**
   * The load balancer targets its service registered for it, with their health as the target group last
   * observed it (not an ECS member): the service scheduler counts the task healthy only when they all are.
   */
  loadBalancerTargets?: TaskTarget[];
  /**
   * Until when task scale-in protection holds (UpdateTaskProtection; not an ECS member of Task): until then
   * neither scale-in nor a deployment stops the task. Past it, the task is unprotected again.
   */
  protectedUntil?: Date;
  /**
   * An awsvpc task waiting in PROVISIONING for its capacity provider's instances: the network configuration
   * its interface is made with once it is placed (not an ECS member).
   */
  awsvpcConfiguration?: AwsVpcConfiguration;
}

/** Whether a task's scale-in protection still holds at `now`. */
export const isProtected = (task: Pick<TaskRecord, 'protectedUntil'>, now: number): boolean =>
  task.protectedUntil !== undefined && new Date(task.protectedUntil).getTime() > now;

/** One load balancer target a task stands for. */
export interface TaskTarget {
  targetGroupArn: string;
  Id: string;
  Port: number;
  health?: TargetHealthState;
}

/** The host whose agent runs a task: its container instance (EC2) or its managed host (Fargate). */
export const taskHost = (task: Pick<TaskRecord, 'containerInstanceArn' | 'managedHostArn'>): string | undefined =>
  task.containerInstanceArn ?? task.managedHostArn;

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
  /** Since when its agent has been disconnected (not an ECS member): the service scheduler replaces tasks of lost instances. */
  agentDisconnectedAt?: Date;
  /** Its agent offers the host as Wharf-managed capacity, where Fargate tasks run (not an ECS member). */
  managedCapacity?: boolean;
  /** The host's address from its identity document (not an ECS member): where its bridge and host tasks' ports are reached. */
  privateIpv4Address?: string;
}

/** A deployment of a service, as DescribeServices shows it (its running and pending counts come from the tasks). */
export interface DeploymentRecord extends Deployment {
  /** `ecs-svc/` and 19 digits. */
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
  launchType: 'EC2' | 'FARGATE';
  rolloutState: DeploymentRolloutState;
  rolloutStateReason: string;
  /** The service deployment and service revision that stand for it (not ECS members of Deployment). */
  serviceDeploymentArn: string;
  serviceRevisionArn: string;
  /** A task of this deployment has been healthy: ECS then stops counting its failures (not an ECS member). */
  launched?: boolean;
  /** BLUE_GREEN, LINEAR, CANARY: where its traffic shift is (not an ECS member; scheduler/deployment.ts). */
  trafficShift?: TrafficShift;
  /**
   * Its tasks register in the load balancers' alternate target groups (advancedConfiguration): each
   * traffic-shifting deployment takes the side its predecessor did not (not an ECS member).
   */
  alternateTargetGroups?: boolean;
}

/**
 * A task set of a service with the EXTERNAL deployment controller (ECS's TaskSet shape): its tasks are
 * started with `startedBy` = its id; `computedDesiredCount` is its scale of the service's desired count.
 */
export interface TaskSetRecord extends TaskSet {
  id: string;
  taskSetArn: string;
  serviceArn: string;
  clusterArn: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  taskDefinition: string;
  computedDesiredCount: number;
  launchType: 'EC2' | 'FARGATE';
  loadBalancers: LoadBalancer[];
  serviceRegistries: ServiceRegistry[];
  scale: { value: number; unit: 'PERCENT' };
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  /** CreateTaskSet's clientToken and a digest of its request, for idempotent retries (not ECS members). */
  clientToken?: string;
  clientRequest?: string;
  stabilityStatusAt: Date;
  createdAt: Date;
  updatedAt: Date;
  tags: Tag[];
}

/** Where a traffic-shifting deployment is: its lifecycle stage and green's share of production traffic. */
export interface TrafficShift {
  stage: NonNullable<ServiceDeployment['lifecycleStage']>;
  /** When the stage (in PRODUCTION_TRAFFIC_SHIFT, the current step) began. */
  stageStartedAt: Date;
  /** The percentage of production traffic green gets now, 0 to 100. */
  productionPercent: number;
  /** Not advanced yet: the stage it starts in is still to be reported as entered. */
  fresh?: boolean;
  /** The PAUSE hooks the deployment has reached (DescribeServiceDeployments' lifecycleHookDetails), with their stage. */
  pauseHooks?: PauseHookDetail[];
}

/** A PAUSE lifecycle hook reached by a deployment: it holds the deployment at `stage` while AWAITING_ACTION. */
export interface PauseHookDetail extends DeploymentLifecycleHookDetail {
  hookId: string;
  targetType: 'PAUSE';
  status: NonNullable<DeploymentLifecycleHookDetail['status']>;
  /** The hook's lifecycle stage (not an ECS member of the detail). */
  stage: NonNullable<DeploymentLifecycleHook['lifecycleStages']>[number];
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface ServiceRecord extends Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: ServiceStatus;
  desiredCount: number;
  /** The PRIMARY deployment's (or, EXTERNAL, the PRIMARY task set's) task definition; '' before it has one. */
  taskDefinition: string;
  launchType: 'EC2' | 'FARGATE';
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  deploymentConfiguration: DeploymentConfiguration & { maximumPercent: number; minimumHealthyPercent: number };
  /** PRIMARY first, then the ACTIVE ones still draining, newest first. */
  deployments: DeploymentRecord[];
  /** Newest first, at most 100. */
  events: (ServiceEvent & { id: string; createdAt: Date; message: string })[];
  createdAt: Date;
  tags: Tag[];
  version: number;
  /** CreateService's clientToken and a digest of its request, for idempotent retries (not ECS members). */
  clientToken?: string;
  clientRequest?: string;
  /** ECS's service throttle: tasks that failed to start since one last started well, and no launch before `until`. */
  throttle?: { failures: number; lastFailureAt: Date; until?: Date };
  /** The last deployment that completed: where the circuit breaker rolls back to. */
  completedDeployment?: DeploymentRecord;
  /** When the service became INACTIVE (not an ECS member): it stays describable for a while after. */
  deletedAt?: Date;
  /** As CreateService or UpdateService last set it (ECS shows it on deployments and service revisions, not here). */
  serviceConnectConfiguration?: ServiceConnectConfiguration;
  /** EXTERNAL deployment controller: its task sets, PRIMARY first (it then has no deployments). */
  taskSets?: TaskSetRecord[];
}

/** Whether a service's tasks run in task sets rather than deployments: the EXTERNAL and CODE_DEPLOY controllers'. */
export const runsTaskSets = (service: Pick<ServiceRecord, 'deploymentController'>): boolean =>
  service.deploymentController?.type === 'EXTERNAL' || service.deploymentController?.type === 'CODE_DEPLOY';

/** A service deployment (DescribeServiceDeployments): the history of a service's deployments, one per Deployment. */
export interface ServiceDeploymentRecord extends ServiceDeployment {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  status: NonNullable<ServiceDeployment['status']>;
  createdAt: Date;
  updatedAt: Date;
  /** The `ecs-svc/` id of the Deployment it stands for (not an ECS member). */
  deploymentId: string;
}

/** A service revision (DescribeServiceRevisions): the configuration one deployment rolls out. */
export interface ServiceRevisionRecord extends ServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  createdAt: Date;
  /** The `ecs-svc/` id of the Deployment that runs it (not an ECS member). */
  deploymentId: string;
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

declare module './records.js' {
  interface RecordKinds {
    cluster: ClusterRecord;
    taskDefinition: TaskDefinitionRecord;
    task: TaskRecord;
    containerInstance: ContainerInstanceRecord;
    taskDefinitionFamily: TaskDefinitionFamilyRecord;
    accountSetting: AccountSettingRecord;
    service: ServiceRecord;
    serviceDeployment: ServiceDeploymentRecord;
    serviceRevision: ServiceRevisionRecord;
    usage: UsageRecord;
  }
}
