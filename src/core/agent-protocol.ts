// The channel between the control plane and a container-instance agent, like ECS's ACS: the agent opens a
// WebSocket to the endpoint that DiscoverPollEndpoint returns (path AGENT_CHANNEL_PATH, signed with SigV4)
// and the control plane pushes the set of tasks it wants on that instance (whole at connect, then what
// changed). The agent converges on it and reports state changes through the ECS API
// (SubmitTaskStateChange, SubmitContainerStateChange), as the real agent does.
//
// The control plane owns ECS's override rules: an assignment carries the task definition as the task runs
// it, RunTask's overrides already applied, and the agent runs that definition as it is.
import type { TrafficCounters } from './load-balancer.js';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { NfsMount } from './efs-exports.js';

export const AGENT_CHANNEL_PATH = '/_wharf/agent';

/**
 * WebSocket close codes of the channel (4000-4999 are the application's). An agent whose instance is
 * unknown or deregistered stops for good, as ECS's agent does; any other close is followed by a reconnect.
 */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_UNKNOWN_INSTANCE = 4404;
export const CLOSE_REPLACED = 4409;
export const CLOSE_DEREGISTERED = 4410;

/** One task the control plane wants on an instance, with everything needed to run it. */
export interface TaskAssignment {
  taskArn: string;
  clusterArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  taskDefinitionArn: string;
  /** The definition with the task's overrides applied (container and task level): run it as it is. */
  taskDefinition: TaskDefinition;
  /** Container ARNs by container name, so state reports name the containers ECS created. */
  containerArns: Record<string, string>;
  stoppedReason?: string;
  /** The task's group (`service:<name>` for a service's tasks). */
  group?: string;
  /** FARGATE for a task on Wharf-managed capacity; EC2 when absent. */
  launchType?: 'EC2' | 'FARGATE';
  availabilityZone?: string;
  /** An awsvpc task's network interface: the agent gives the task a network namespace with this address. */
  network?: TaskNetwork;
  /**
   * The temporary credentials of the task's roles, pushed with the assignment as ECS's ACS pushes them with
   * its payload (and again, refreshed, before they expire). A task with a role is assigned only with them.
   */
  roleCredentials?: TaskRoleCredentials;
  /** The task's EFS volumes by volume name, resolved by the control plane. */
  efsVolumes?: Record<string, EfsVolumeMount>;
  /** A task of a service with Service Connect: what its proxy serves (ECS's Service Connect agent). */
  serviceConnect?: ServiceConnectAssignment;
}

/**
 * A Service Connect task's proxy: a listener for each client alias of its namespace's services, each sending
 * to the healthy endpoints of one discovery name (its Cloud Map service's instances, as they come and go).
 */
export interface ServiceConnectAssignment {
  /** The proxy's container in the task's record (`ecs-service-connect-...`), whose status the agent reports. */
  containerName: string;
  listeners: ServiceConnectListener[];
  /** The endpoints of each listener's Cloud Map service, by service id. */
  endpoints: Record<string, ServiceConnectEndpoint[]>;
  /** The server side: a listener for each `services` entry of the task's own service, in front of the task's port. */
  ingress: ServiceConnectIngress[];
}

/** The timeouts of a Service Connect service (its entry's `timeout`, else ECS's defaults); 0 is none. */
export interface ServiceConnectTimeouts {
  idleTimeoutSeconds: number;
  /** HTTP only: how long a request may wait for its response. */
  perRequestTimeoutSeconds?: number;
}

/**
 * The proxy's ingress listener for one discovery name of the task's service, where Cloud Map sends the other
 * tasks' proxies: on `ingressPortOverride`, else on a port of the proxy's own (awsvpc: the container port's
 * connections are redirected to it, as ECS intercepts them; bridge: published on an ephemeral host port).
 */
export interface ServiceConnectIngress extends ServiceConnectTimeouts {
  discoveryName: string;
  mode: 'http' | 'tcp';
  /** The port the proxy listens on, in its network namespace. */
  port: number;
  /** awsvpc without ingressPortOverride: the task's port whose connections go to the listener. */
  interceptPort?: number;
  /** Where the proxy reaches the task's port (awsvpc: its loopback; bridge: its host port, once the task reports it). */
  target?: ServiceConnectTarget;
}

export interface ServiceConnectTarget {
  address: string;
  port: number;
}

export interface ServiceConnectListener extends ServiceConnectTimeouts {
  /** The client alias's name, which resolves in the task to the proxy. */
  dnsName: string;
  port: number;
  /** The Cloud Map service (`srv-...`) whose instances are its endpoints, and its discovery name. */
  serviceId: string;
  discoveryName: string;
  /** http for a port mapping whose appProtocol is http, http2 or grpc (requests are counted); tcp otherwise. */
  mode: 'http' | 'tcp';
}

export interface ServiceConnectEndpoint {
  /** The Cloud Map instance (the task's id). */
  id: string;
  address: string;
  port: number;
}

/**
 * An EFS volume as the agent mounts it. On the server's host: a bind of the file system's directory (the
 * access point's root, then the volume's rootDirectory, already joined and checked). On another host: the
 * server's NFS export, mounted as a Docker `local` volume of type nfs4.
 */
export interface EfsVolumeMount {
  hostPath?: string;
  nfs?: NfsMount;
  /** The access point's POSIX user: every container that mounts the volume runs as it. */
  posixUser?: { uid: number; gid: number; secondaryGids?: number[] };
  /** IAM authorisation allowed elasticfilesystem:ClientMount but not ClientWrite. */
  readOnly?: boolean;
  /** Why the volume cannot be mounted: the task fails with ResourceInitializationError. */
  error?: string;
}

/** What STS issued for a task's roles, as the agent serves them (the ECS credentials endpoint's fields). */
export interface RoleCredentials {
  roleArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601, as the endpoint answers it. */
  expiration: string;
}

export interface TaskRoleCredentials {
  /** `taskRoleArn`'s: served to the task's containers. */
  task?: RoleCredentials;
  /** `executionRoleArn`'s: the agent's own, for the task's image pulls and logs. */
  execution?: RoleCredentials;
}

/** An awsvpc task's elastic network interface, as the agent sets it up on its host. */
export interface TaskNetwork {
  attachmentId: string;
  networkInterfaceId: string;
  subnetId: string;
  vpcId: string;
  /** The subnet's CIDR block; its router's address is the containers' gateway. */
  subnetCidr: string;
  gateway: string;
  privateIpv4Address: string;
  macAddress: string;
  privateDnsName: string;
  /** What the interface's security groups let in, and let out; the agent enforces both on the host. */
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
}

/** One rule of a task's security groups, in one direction. */
export interface SecurityGroupRule {
  /** `tcp`, `udp`, `icmp`, a protocol number, or `all`. */
  protocol: string;
  /** The port range (TCP, UDP; the destination's ports either way) or ICMP type and code; absent for all. */
  fromPort?: number;
  toPort?: number;
  /**
   * CIDR blocks of the other side (sources let in, destinations let out): the rule's ranges and the
   * addresses of the interfaces in its referenced groups.
   */
  peers: string[];
}

/**
 * Control plane -> agent. `tasks`, the first message of every connection, is the full desired set: a task
 * not in it is not wanted on the instance. `taskChanges`, every later one, is what changed since: `tasks`
 * are assignments new or replaced, and the tasks `removed` names are no longer wanted (a push costs what
 * changed, not the size of what the instance runs).
 */
export type ControlMessage = { type: 'tasks'; tasks: TaskAssignment[] } | { type: 'taskChanges'; tasks: TaskAssignment[]; removed: string[] };

/** Container health that ECS reports outside SubmitContainerStateChange (the real agent uses TCS). */
export interface ContainerHealth {
  taskArn: string;
  containerName: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

/**
 * One container's resource use, as the agent samples it from the engine's stats (ECS's agent sends the
 * same to its telemetry service, TCS): CPU in units (1024 per vCPU) averaged since the previous sample,
 * memory in use now, and the network and block I/O byte counters since the container started.
 */
export interface ContainerStats {
  taskArn: string;
  containerName: string;
  /** When the engine took the sample (ISO 8601). */
  timestamp: string;
  cpuUnits: number;
  memoryBytes: number;
  networkRxBytes: number;
  networkTxBytes: number;
  storageReadBytes: number;
  storageWriteBytes: number;
}

/** What a task's Service Connect proxy has carried to one discovery name (its Cloud Map service) since it started. */
export type ServiceConnectStats = { taskArn: string; serviceId: string } & TrafficCounters;

/** Agent -> control plane. */
export type AgentMessage =
  | { type: 'health'; health: ContainerHealth[] }
  | { type: 'stats'; stats: ContainerStats[] }
  | { type: 'serviceConnectStats'; stats: ServiceConnectStats[] };
