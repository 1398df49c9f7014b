// The container runtime port: what a container-instance agent needs from a container engine, in ECS's
// terms rather than the engine's. DockerRuntime (src/runtime/docker) implements it through the Docker
// Engine API; the agent only ever sees these plain types and RuntimeError codes.
import type { ServiceConnectEndpoint, ServiceConnectIngress, ServiceConnectListener } from './agent-protocol.js';
import type { TrafficCounters } from './load-balancer.js';

/** The host and engine, as the agent registers them (RegisterContainerInstance's resources and versionInfo). */
export interface RuntimeInfo {
  /** Logical CPUs the engine can schedule on. */
  cpus: number;
  /** Total memory of the host in bytes. */
  memoryBytes: number;
  /** Engine version, e.g. `20.10.24`. */
  version: string;
  /** Highest Engine API version the daemon speaks, e.g. `1.41`. */
  apiVersion: string;
  /** Kernel architecture as the engine reports it, e.g. `x86_64`, `aarch64`. */
  architecture: string;
  /** How the engine manages cgroups (`cgroupfs`, `systemd`): task cgroups are made to match it. */
  cgroupDriver?: string;
  /** `linux` or `windows`. */
  os: string;
}

export type TransportProtocol = 'tcp' | 'udp';

/** One published port. No `hostPort` lets the engine pick one from the ephemeral range. */
export interface PortPublication {
  containerPort: number;
  hostPort?: number;
  protocol: TransportProtocol;
}

/** A port as actually bound on the host (ECS's NetworkBinding). */
export interface NetworkBinding {
  bindIP: string;
  containerPort: number;
  hostPort: number;
  protocol: TransportProtocol;
}

/** The engine runs `command` in the container (`CMD`/`CMD-SHELL` form, as ECS and Docker both write it). */
export interface HealthCheckSpec {
  command: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

/** A host path or a named volume mounted into the container. */
export interface MountSpec {
  kind: 'bind' | 'volume';
  /** Host path (bind) or volume name (volume). */
  source: string;
  containerPath: string;
  readOnly: boolean;
}

/** Everything needed to create one container. Only `name`, `image` and `labels` are always set. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  command?: string[];
  entryPoint?: string[];
  environment?: Record<string, string>;
  workingDirectory?: string;
  user?: string;
  /** Supplementary groups (numeric ids) the container's processes hold. */
  groups?: number[];
  hostname?: string;
  /** `bridge`, `host` or `none`, unless `networkContainer` or `networkAttachment` says otherwise. */
  networkMode: 'bridge' | 'host' | 'none';
  /** Join this container's network namespace (engine id or name): an awsvpc task's containers join its pause container. */
  networkContainer?: string;
  /** Attach to a user-defined network at a fixed address (an awsvpc task's pause container). */
  networkAttachment?: { network: string; ipv4Address: string; macAddress?: string };
  networkDisabled?: boolean;
  ports?: PortPublication[];
  /** Other containers (by engine name) reachable under an alias; bridge only. */
  links?: { container: string; alias: string }[];
  cpuShares?: number;
  /** Hard limit. */
  memoryBytes?: number;
  /** Soft limit. */
  memoryReservationBytes?: number;
  /** CPU quota, in billionths of a CPU. */
  nanoCpus?: number;
  /** The cgroup this container's is made under: its task's, which holds the task-level limits. */
  cgroupParent?: string;
  ulimits?: { name: string; soft: number; hard: number }[];
  readonlyRootFilesystem?: boolean;
  mounts?: MountSpec[];
  /** Containers (by engine name) whose volumes this one mounts. */
  volumesFrom?: { container: string; readOnly: boolean }[];
  extraHosts?: { hostname: string; ipAddress: string }[];
  dnsServers?: string[];
  dnsSearchDomains?: string[];
  privileged?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Run an init process as PID 1 (ECS's initProcessEnabled). */
  init?: boolean;
  shmSizeBytes?: number;
  tmpfs?: { containerPath: string; sizeMiB: number; mountOptions: string[] }[];
  devices?: { hostPath: string; containerPath: string; permissions: string }[];
  securityOptions?: string[];
  sysctls?: Record<string, string>;
  interactive?: boolean;
  tty?: boolean;
  /** Seconds between SIGTERM and SIGKILL when the container is stopped. */
  stopTimeoutSeconds?: number;
  healthCheck?: HealthCheckSpec;
  log?: { driver: string; options: Record<string, string> };
}

/** Container health in ECS's words; UNKNOWN while the engine's health check is still starting. */
export type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** What the engine knows about one container now. */
export interface ContainerState {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** `created`: never started; `running` (also paused or restarting); `exited` (also dead). */
  status: 'created' | 'running' | 'exited';
  exitCode?: number;
  /** The kernel killed it for exceeding its memory limit. */
  oomKilled: boolean;
  /** Why the engine failed to run it, when it says. */
  error?: string;
  startedAt?: Date;
  finishedAt?: Date;
  /** Absent when the container has no health check. */
  health?: HealthStatus;
  networkBindings: NetworkBinding[];
  stopTimeoutSeconds?: number;
  /** The image's id (`sha256:...`), when the engine says. */
  imageId?: string;
  createdAt?: Date;
  /** Its addresses on the engine's networks (none for a container that shares another's namespace). */
  ipv4Addresses?: string[];
  /** Its main process on the host, while it runs. */
  pid?: number;
}

/** A container as listed: enough to find the ones the agent owns. */
export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
}

/** A user-defined bridge network with a fixed address plan (an awsvpc subnet on this host). */
export interface NetworkSpec {
  name: string;
  /** CIDR block. */
  subnet: string;
  gateway: string;
  /** The name of the bridge device on the host (at most 15 characters), so interfaces can be added to it. */
  bridgeName?: string;
  labels: Record<string, string>;
}

/** Task-level limits, held by a cgroup that all of the task's containers are made under. */
export interface TaskLimits {
  /** CPU units (1024 per CPU). */
  cpuUnits?: number;
  memoryMiB?: number;
}

export interface VolumeSpec {
  name: string;
  driver?: string;
  driverOptions?: Record<string, string>;
  labels?: Record<string, string>;
}

/**
 * Something happened to a container. Events only say *that* something changed: consumers inspect the
 * container to learn its state (events can be missed or reordered; the state cannot).
 */
export interface RuntimeEvent {
  containerId: string;
  kind: 'start' | 'die' | 'oom' | 'health' | 'destroy';
}

/** Credentials for a registry (docker login's): ECR's are `AWS` and an authorization token's password. */
export interface RegistryAuth {
  username: string;
  password: string;
  /** The registry's address, `host:port`. */
  serveraddress: string;
}

export interface ContainerRuntime {
  info(): Promise<RuntimeInfo>;
  /** Whether the image is present locally. */
  hasImage(image: string): Promise<boolean>;
  /** Pulls the image from its registry (with `auth` when given); RuntimeError `ImagePullFailed` when it cannot. */
  pullImage(image: string, signal?: AbortSignal, auth?: RegistryAuth): Promise<void>;
  /** The registry digest (`sha256:...`) of a pulled image, as its registry named it; undefined for a local one. */
  imageDigest(image: string): Promise<string | undefined>;
  /** Creates the volume; creating one that exists with the same driver is a no-op. */
  createVolume(volume: VolumeSpec): Promise<void>;
  hasVolume(name: string): Promise<boolean>;
  /** Names of the volumes carrying all of `labels`. */
  listVolumes(labels: Record<string, string>): Promise<string[]>;
  /** Removes the volume; a volume already gone is not an error. */
  removeVolume(name: string): Promise<void>;
  /** Creates the network unless it exists with the same address plan; a name or range taken otherwise is a Conflict. */
  ensureNetwork(network: NetworkSpec): Promise<void>;
  /** Removes the network; one already gone is not an error, one still in use is a Conflict. */
  removeNetwork(name: string): Promise<void>;
  /** Names of the networks carrying all of `labels`. */
  listNetworks(labels: Record<string, string>): Promise<string[]>;
  /** The gateway address of a network: where its containers reach the host. */
  networkGateway(name: string): Promise<string | undefined>;
  /** Makes the image of pause containers (which only hold a task's network namespace) present; answers its name. */
  ensurePauseImage(architecture: string): Promise<string>;
  /** Makes the image of Service Connect proxy containers present (HAProxy, entry point reading SERVICE_CONNECT_PROXY_DIR); answers its name. */
  ensureServiceConnectImage(): Promise<string>;
  /** One sample of the container's resource usage, in the engine's own stats shape (what ECS's metadata endpoint answers). */
  containerStats(id: string): Promise<Record<string, unknown>>;
  /** Returns the new container's id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`; stopping a stopped container is a no-op. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** RuntimeError `ContainerNotFound` when it does not exist. */
  inspectContainer(id: string): Promise<ContainerState>;
  /** Every container (running or not) carrying all of `labels`. */
  listContainers(labels: Record<string, string>): Promise<ContainerSummary[]>;
  renameContainer(id: string, name: string): Promise<void>;
  /** Removes the container (killing it if needed) and its anonymous volumes; one already gone is not an error. */
  removeContainer(id: string): Promise<void>;
  /**
   * Subscribes to events of containers carrying all of `labels`. Resolves once the subscription is live,
   * so nothing that happens afterwards is missed; the iterable ends when `signal` aborts or throws when
   * the engine drops the stream.
   */
  events(labels: Record<string, string>, signal: AbortSignal): Promise<AsyncIterable<RuntimeEvent>>;
  /**
   * What the container wrote to stdout and stderr, in the order the engine logged it, from `sinceNanos`
   * (inclusive) on, in batches of lines as the engine delivers them; the iterable ends once the container has
   * stopped and all of it was read, or when `signal` aborts. RuntimeError `ContainerNotFound` when it does
   * not exist.
   */
  containerLogs(id: string, sinceNanos: bigint | undefined, signal: AbortSignal): Promise<AsyncIterable<ContainerLogLine[]>>;
}

/** One line of a container's output, as the engine logged it. */
export interface ContainerLogLine {
  /** When the engine received it, in nanoseconds since the epoch. */
  timeNanos: bigint;
  stream: 'stdout' | 'stderr';
  /** Without its newline. */
  text: string;
}

/**
 * Task-level limits on the host: a cgroup per task that the task's containers are made under, so that the
 * task as a whole cannot use more CPU or memory than it was given.
 */
export interface TaskCgroups {
  /** Creates the task's cgroup with its limits; answers the cgroup parent its containers are made under. */
  create(taskId: string, limits: TaskLimits): Promise<string>;
  /** Removes the task's cgroup (its containers stopped); one already gone is not an error. */
  remove(taskId: string): Promise<void>;
}

/** A task's interface in a network namespace: on a bridge of the host, at the task's address and MAC. */
export interface InterfaceSpec {
  /** A short id of the task (hex), unique on the host while the task runs: it names the host's end. */
  id: string;
  bridge: string;
  address: string;
  prefixLength: number;
  gateway: string;
  macAddress: string;
}

/** Interfaces plumbed into network namespaces on the host (as CNI plugins do). */
export interface NamespaceInterfaces {
  /** Gives the namespace of process `pid` an eth0 on the bridge, with the address, MAC and default route. */
  attach(pid: number, spec: InterfaceSpec): Promise<void>;
  /** Whether any interface is on the bridge (false when there is no such bridge). */
  bridgeInUse(bridge: string): Promise<boolean>;
  /** In the namespace of process `pid`, TCP connections arriving for each `port` go to `toPort` on the same address instead. */
  redirect(pid: number, redirects: PortRedirect[]): Promise<void>;
}

export interface PortRedirect {
  port: number;
  toPort: number;
}

/** An address on this host and what may reach it and leave it: a task's interface and its security groups' rules. */
export interface FirewalledAddress {
  address: string;
  ingress: FirewallRule[];
  egress: FirewallRule[];
}

/** `peers`: the other side's CIDR blocks (sources of ingress, destinations of egress). */
export interface FirewallRule {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  peers: string[];
}

/**
 * Packet filtering on the host, for the security groups of the tasks it runs: traffic to each address
 * (from other tasks and from the host) passes only as its rules allow; replies to what it sent pass.
 */
export interface HostFirewall {
  /** Replaces the rules kept under `scope` (one agent's) with these (none: no address has rules, and the scope's
   * place in the filter stays for the next ones until `remove`). */
  apply(scope: string, addresses: FirewalledAddress[]): Promise<void>;
  /** Takes whatever `scope` keeps out of the host's packet filter. */
  remove(scope: string): Promise<void>;
}

export type RuntimeErrorCode =
  /** The engine cannot be reached. */
  | 'RuntimeUnavailable'
  | 'ContainerNotFound'
  | 'ImageNotFound'
  | 'ImagePullFailed'
  | 'VolumeNotFound'
  /** The name is taken, or the object is in a state that forbids the operation. */
  | 'Conflict'
  /** The engine rejected the container or volume configuration. */
  | 'InvalidSpec'
  /** Anything else the engine reported. */
  | 'RuntimeFailure';

/** The one error type runtime adapters throw: callers branch on `code`, never on the message. */
export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

export const isRuntimeError = (err: unknown, code?: RuntimeErrorCode): err is RuntimeError =>
  err instanceof RuntimeError && (code === undefined || err.code === code);

/** The ECS credentials endpoint's address, which the SDKs in a task ask (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is a path on it). */
export const CREDENTIALS_ENDPOINT = { address: '169.254.170.2', port: 80 } as const;

/** Traffic from one task address to the credentials endpoint, sent to the agent at the host's address on the task's network. */
export interface CredentialsRoute {
  source: string;
  /** The host's address on the task's network, where the agent's credentials server listens. */
  gateway: string;
}

/** One agent's routes to its credentials server (listening on `port` at every address). */
export interface CredentialsRoutes {
  port: number;
  tasks: CredentialsRoute[];
  /** From the host itself to its loopback, for host-network tasks. */
  hostTasks: boolean;
  /**
   * The engine's default bridge (by its gateway): what it asks before its own route exists (a bridge
   * container may ask as soon as it starts) is refused at once rather than sent off the host, so the SDKs'
   * retry is routed.
   */
  bridge?: { gateway: string };
}

/** Sends the credentials endpoint's traffic to an agent's credentials server, as ECS's agent has the host do. */
export interface CredentialsRouting {
  /** Replaces the routes kept under `scope` (one agent's) with these; none at all removes them. */
  apply(scope: string, routes: CredentialsRoutes): Promise<void>;
}

/** Where a Service Connect proxy's container mounts its directory (configuration and sockets). */
export const SERVICE_CONNECT_PROXY_DIR = '/wharf';

/** A task's Service Connect proxy: its listeners, each at the address it binds in the task, and their endpoints. */
export interface ServiceConnectProxyConfig {
  listeners: (ServiceConnectListener & { address: string })[];
  endpoints: Record<string, ServiceConnectEndpoint[]>;
  /** Its ingress listeners, bound on every address of its namespace. */
  ingress: ServiceConnectIngress[];
}

/**
 * The Service Connect proxies of the tasks on this host (lb/service-connect-proxies.ts): each one's
 * configuration and sockets in a host directory its container mounts at SERVICE_CONNECT_PROXY_DIR.
 */
export interface ServiceConnectProxies {
  /** Writes the configuration a task's proxy starts with; answers the host directory its container mounts. */
  configure(taskId: string, proxy: ServiceConnectProxyConfig): string;
  /** Has a running proxy (one an earlier run of the agent started) load what `configure` wrote, seamlessly. */
  reload(taskId: string): Promise<void>;
  /** Gives a running proxy its endpoints and ingress targets now; connections it carries are not dropped. */
  update(taskId: string, targets: Pick<ServiceConnectProxyConfig, 'endpoints' | 'ingress'>): Promise<void>;
  /** What the proxy has carried to each Cloud Map service (by id) since it started. */
  traffic(taskId: string): Promise<Map<string, TrafficCounters>>;
  /** Forgets a task's proxy and removes its directory (its container is gone). */
  remove(taskId: string): void;
}
