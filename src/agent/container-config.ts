// From a task assignment to the runtime's container specs, the way the ECS agent configures Docker:
// ECS's labels and names, CPU shares and memory limits with the agent's semantics, the task's volumes
// resolved. The assignment's definition already has the task's overrides applied (the control plane owns
// ECS's override rules). Pure: the caller supplies names and random parts.
import type { ContainerDefinition, KeyValuePair } from '@aws-sdk/client-ecs';
import type { EfsVolumeMount, TaskAssignment } from '../core/agent-protocol.js';
import { NfsEncodingError, nfsVolumeOptions } from '../core/efs-exports.js';
import { lastSegment } from '../core/arn.js';
import type { ContainerSpec, HealthCheckSpec, MountSpec, VolumeSpec } from '../core/runtime.js';
import { awslogsConfig } from './awslogs-options.js';
import type { ContainerCondition } from './converge.js';

/** The labels ECS puts on every container it runs, plus Wharf's own owner label. */
export const LABELS = {
  taskArn: 'com.amazonaws.ecs.task-arn',
  containerName: 'com.amazonaws.ecs.container-name',
  cluster: 'com.amazonaws.ecs.cluster',
  family: 'com.amazonaws.ecs.task-definition-family',
  revision: 'com.amazonaws.ecs.task-definition-version',
  /** The container instance whose agent owns the container: what a restarted agent adopts. */
  containerInstanceArn: 'wharf.container-instance-arn',
} as const;

/** The agent's default seconds between SIGTERM and SIGKILL (ECS_CONTAINER_STOP_TIMEOUT). */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

/** Linux's bounds on CPU shares; the agent (>= 1.2.0) sends null, 0 and 1 CPU units as 2 shares. */
const MIN_CPU_SHARES = 2;
const MAX_CPU_SHARES = 262144;

/** ECS's health check defaults (seconds). */
const HEALTH_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 };

/** Log drivers Docker has built in and that need nothing from AWS; others (but awslogs) fall back to Docker's default. */
const LOCAL_LOG_DRIVERS = new Set(['json-file', 'local', 'none', 'syslog', 'journald', 'gelf', 'fluentd']);

const MIB = 1024 * 1024;

/** Engine names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; like the agent, drop everything else. */
const engineSafe = (value: string) => value.replace(/[^a-zA-Z0-9_.-]/g, '');

/** `ecs-<family>-<revision>-<container>-<suffix>`, as the ECS agent names containers. */
export function containerEngineName(task: TaskAssignment, containerName: string, suffix: string): string {
  const { family, revision } = task.taskDefinition;
  return engineSafe(`ecs-${family}-${revision}-${containerName}-${suffix}`);
}

export const taskId = (task: TaskAssignment) => lastSegment(task.taskArn);

const envRecord = (pairs: KeyValuePair[] | undefined) =>
  Object.fromEntries((pairs ?? []).filter((p) => p.name).map((p) => [p.name!, p.value ?? '']));

/** `name` or `name:alias`, as ECS writes links. */
function parseLink(link: string): { container: string; alias: string } {
  const [container, alias] = link.split(':');
  return { container: container!, alias: alias ?? container! };
}

/**
 * What a container waits for before it starts: its `dependsOn`, and like the agent, the containers it
 * links to or takes volumes from, which must have started first.
 */
export function containerDependencies(def: ContainerDefinition): { containerName: string; condition: ContainerCondition }[] {
  const explicit = (def.dependsOn ?? []).map((d) => ({ containerName: d.containerName!, condition: d.condition! }));
  const implicit = [...(def.links ?? []).map((l) => parseLink(l).container), ...(def.volumesFrom ?? []).map((v) => v.sourceContainer!)]
    .filter((name) => !explicit.some((d) => d.containerName === name))
    .map((containerName) => ({ containerName, condition: 'START' as const }));
  return [...explicit, ...new Map(implicit.map((d) => [d.containerName, d])).values()];
}

/** A task definition volume as the agent provides it. */
export type TaskVolume =
  | { name: string; kind: 'bind'; sourcePath: string; posixUser?: PosixIdentity; readOnly?: boolean; onServerHost?: boolean }
  | { name: string; kind: 'volume'; scope: 'task' | 'shared'; autoprovision: boolean; spec: VolumeSpec; efs?: boolean }
  | { name: string; kind: 'unsupported'; reason: string };

/**
 * Resolves the task definition's volumes: a host `sourcePath` is a bind mount; a Docker volume is task-
 * scoped (created for the task, removed with it) or shared (named as in the definition, kept); a volume
 * with neither is an empty task-scoped volume. Task-scoped names derive from the task id, so a restarted
 * agent finds the same volumes; they carry `taskLabels`, by which cleanup finds them.
 */
export function taskVolumes(task: TaskAssignment, taskLabels: Record<string, string>): TaskVolume[] {
  const { family, revision } = task.taskDefinition;
  const scoped = (name: string) => engineSafe(`ecs-${family}-${revision}-${name}-${taskId(task)}`);
  return (task.taskDefinition.volumes ?? []).map((v): TaskVolume => {
    const name = v.name!;
    if (v.efsVolumeConfiguration) return efsVolume(name, task.efsVolumes?.[name], scoped(name), taskLabels);
    if (v.fsxWindowsFileServerVolumeConfiguration || v.s3filesVolumeConfiguration) {
      return { name, kind: 'unsupported', reason: `volume ${name}: only host, Docker and EFS volumes are supported` };
    }
    if (v.host?.sourcePath) return { name, kind: 'bind', sourcePath: v.host.sourcePath };
    const docker = v.dockerVolumeConfiguration;
    const spec = { driver: docker?.driver, driverOptions: docker?.driverOpts };
    if (docker?.scope === 'shared') {
      const shared = { ...spec, name, labels: docker.labels };
      return { name, kind: 'volume', scope: 'shared', autoprovision: docker.autoprovision ?? false, spec: shared };
    }
    const scopedSpec = { ...spec, name: scoped(name), labels: { ...docker?.labels, ...taskLabels } };
    return { name, kind: 'volume', scope: 'task', autoprovision: true, spec: scopedSpec };
  });
}

/** A POSIX identity containers run as: an EFS access point's user. */
export type PosixIdentity = NonNullable<EfsVolumeMount['posixUser']>;

/**
 * An EFS volume. On the server's host: a bind of the directory the control plane resolved (the access
 * point's root directory, so nothing above it is reachable), carrying the access point's POSIX user. On
 * another host: a task-scoped Docker `local` volume mounting the server's NFS export (nfs4), which squashes
 * through the access point itself.
 */
function efsVolume(name: string, mount: EfsVolumeMount | undefined, volumeName: string, labels: Record<string, string>): TaskVolume {
  if (mount?.nfs) {
    try {
      const spec = { name: volumeName, driver: 'local', driverOptions: nfsVolumeOptions(mount.nfs), labels };
      return { name, kind: 'volume', scope: 'task', autoprovision: true, spec, efs: true };
    } catch (err) {
      if (err instanceof NfsEncodingError) return { name, kind: 'unsupported', reason: `failed to invoke EFS utils commands to set up EFS volumes: ${err.message}` };
      throw err;
    }
  }
  if (!mount?.hostPath) return { name, kind: 'unsupported', reason: mount?.error ?? `volume ${name}: the EFS file system was not resolved` };
  const { hostPath: sourcePath, posixUser, readOnly } = mount;
  return { name, kind: 'bind', sourcePath, onServerHost: true, ...(posixUser && { posixUser }), ...(readOnly && { readOnly }) };
}

/**
 * The identity a container runs as: the POSIX user (and secondary groups) of an EFS access point it mounts
 * (EFS squashes every NFS operation through the access point to it; on one host the processes themselves
 * run as it), else its own user.
 */
function containerIdentity(def: ContainerDefinition, volumes: TaskVolume[]): { user?: string; groups?: number[] } {
  for (const m of def.mountPoints ?? []) {
    const volume = volumes.find((v) => v.name === m.sourceVolume);
    if (volume?.kind === 'bind' && volume.posixUser) {
      const { uid, gid, secondaryGids } = volume.posixUser;
      return { user: `${uid}:${gid}`, ...(secondaryGids?.length && { groups: secondaryGids }) };
    }
  }
  return { user: def.user };
}

export function cpuShares(cpu: number | undefined): number {
  return Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, cpu ?? 0));
}

function healthCheck(def: ContainerDefinition): HealthCheckSpec | undefined {
  const h = def.healthCheck;
  if (!h?.command?.length) return undefined;
  return {
    command: h.command,
    intervalSeconds: h.interval ?? HEALTH_DEFAULTS.interval,
    timeoutSeconds: h.timeout ?? HEALTH_DEFAULTS.timeout,
    retries: h.retries ?? HEALTH_DEFAULTS.retries,
    startPeriodSeconds: h.startPeriod ?? HEALTH_DEFAULTS.startPeriod,
  };
}

function mounts(def: ContainerDefinition, volumes: TaskVolume[]): MountSpec[] {
  return (def.mountPoints ?? []).flatMap((m): MountSpec[] => {
    const volume = volumes.find((v) => v.name === m.sourceVolume);
    if (!volume || volume.kind === 'unsupported' || !m.containerPath) return [];
    // A volume mounted read-only (EFS without ClientWrite) is read-only in every container.
    const readOnly = (m.readOnly ?? false) || (volume.kind === 'bind' && volume.readOnly === true);
    return volume.kind === 'bind'
      ? [{ kind: 'bind', source: volume.sourcePath, containerPath: m.containerPath, readOnly }]
      : [{ kind: 'volume', source: volume.spec.name, containerPath: m.containerPath, readOnly }];
  });
}

export interface ContainerSpecInput {
  task: TaskAssignment;
  /** The container's definition, from the assignment. */
  container: ContainerDefinition;
  engineName: string;
  /** The agent's configured cluster, as the ECS agent labels containers with it. */
  cluster: string;
  containerInstanceArn: string;
  volumes: TaskVolume[];
  /** Engine names of the task's other containers, by container name (links, volumesFrom). */
  siblings: Record<string, string>;
  /** Variables the agent adds; like the ECS agent's, they win over the definition's. */
  agentEnvironment: Record<string, string>;
  /**
   * The agent's resolvers for tasks (Wharf's DNS server), given to a container that has a network of its own
   * (bridge, host) unless its definition names its own `dnsServers`; awsvpc containers use their pause
   * container's, which has them.
   */
  resolvers?: string[];
  /** What the task holds on the host: the pause container whose network namespace it joins (awsvpc), its cgroup. */
  host?: TaskHostResources;
}

/** What a task holds on the host besides its containers. */
export interface TaskHostResources {
  /** awsvpc: the engine id of the pause container holding the task's network namespace. */
  networkContainer?: string;
  /** The cgroup holding the task-level limits, under which its containers' cgroups are made. */
  cgroupParent?: string;
  /** Bridge tasks with Service Connect: each client alias at the proxy's address, in every container's hosts. */
  extraHosts?: { hostname: string; ipAddress: string }[];
}

export function containerSpec(input: ContainerSpecInput): ContainerSpec {
  const { task, container: def } = input;
  const mode = task.taskDefinition.networkMode;
  // awsvpc containers join their task's namespace (without one, they get a bridge network like the default mode).
  const networkMode = mode === 'host' || mode === 'none' ? mode : 'bridge';
  const bridged = networkMode === 'bridge' && input.host?.networkContainer === undefined;
  const taskCpu = task.taskDefinition.cpu ? Number(task.taskDefinition.cpu) : undefined;
  const taskMemory = task.taskDefinition.memory ? Number(task.taskDefinition.memory) : undefined;
  const linux = def.linuxParameters;
  const sibling = (name: string) => input.siblings[name] ?? name;
  return {
    name: input.engineName,
    image: def.image!,
    labels: {
      ...def.dockerLabels,
      [LABELS.taskArn]: task.taskArn,
      [LABELS.containerName]: def.name!,
      [LABELS.cluster]: input.cluster,
      [LABELS.family]: task.taskDefinition.family!,
      [LABELS.revision]: String(task.taskDefinition.revision),
      [LABELS.containerInstanceArn]: input.containerInstanceArn,
    },
    command: def.command,
    entryPoint: def.entryPoint,
    environment: { ...envRecord(def.environment), ...input.agentEnvironment },
    workingDirectory: def.workingDirectory,
    ...containerIdentity(def, input.volumes),
    hostname: bridged ? def.hostname : undefined,
    networkMode,
    networkContainer: input.host?.networkContainer,
    networkDisabled: def.disableNetworking,
    ports: bridged
      ? (def.portMappings ?? [])
          .filter((p) => p.containerPort !== undefined)
          .map((p) => ({ containerPort: p.containerPort!, hostPort: p.hostPort || undefined, protocol: p.protocol ?? 'tcp' }))
      : undefined,
    links: bridged
      ? def.links?.map(parseLink).map((l) => ({ container: sibling(l.container), alias: l.alias }))
      : undefined,
    cpuShares: cpuShares(def.cpu),
    // Task-level limits: the task's cgroup holds them; each container also gets the task's CPU quota (so it
    // shows in its own cgroup) and, without a task cgroup, the task's memory as its own hard limit.
    nanoCpus: taskCpu ? (taskCpu / 1024) * 1e9 : undefined,
    cgroupParent: input.host?.cgroupParent,
    memoryBytes: def.memory ? def.memory * MIB : taskMemory && !input.host?.cgroupParent ? taskMemory * MIB : undefined,
    memoryReservationBytes: def.memoryReservation ? def.memoryReservation * MIB : undefined,
    ulimits: def.ulimits?.map((u) => ({ name: u.name!, soft: u.softLimit!, hard: u.hardLimit! })),
    readonlyRootFilesystem: def.readonlyRootFilesystem,
    mounts: mounts(def, input.volumes),
    volumesFrom: def.volumesFrom?.map((v) => ({ container: sibling(v.sourceContainer!), readOnly: v.readOnly ?? false })),
    extraHosts: extraHosts(def, input.host),
    dnsServers: def.dnsServers ?? (input.host?.networkContainer === undefined && networkMode !== 'none' ? input.resolvers : undefined),
    dnsSearchDomains: def.dnsSearchDomains,
    privileged: def.privileged,
    capAdd: linux?.capabilities?.add,
    capDrop: linux?.capabilities?.drop,
    init: linux?.initProcessEnabled,
    shmSizeBytes: linux?.sharedMemorySize ? linux.sharedMemorySize * MIB : undefined,
    tmpfs: linux?.tmpfs?.map((t) => ({ containerPath: t.containerPath!, sizeMiB: t.size!, mountOptions: t.mountOptions ?? [] })),
    devices: linux?.devices?.map((d) => ({
      hostPath: d.hostPath!,
      containerPath: d.containerPath ?? d.hostPath!,
      permissions: (d.permissions ?? ['read', 'write', 'mknod']).map((p) => p[0]).join(''),
    })),
    securityOptions: def.dockerSecurityOptions,
    sysctls: def.systemControls && Object.fromEntries(def.systemControls.map((s) => [s.namespace!, s.value!])),
    interactive: def.interactive,
    tty: def.pseudoTerminal,
    stopTimeoutSeconds: def.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    healthCheck: healthCheck(def),
    log: logDriver(def),
  };
}

/** The definition's extra hosts, then the task's (its Service Connect aliases); undefined when neither has any. */
function extraHosts(def: ContainerDefinition, host: TaskHostResources | undefined): ContainerSpec['extraHosts'] {
  const hosts = [...(def.extraHosts ?? []).map((h) => ({ hostname: h.hostname!, ipAddress: h.ipAddress! })), ...(host?.extraHosts ?? [])];
  return hosts.length ? hosts : undefined;
}

/**
 * The engine's log driver for a container. awslogs is the agent's own (awslogs.ts): its options are checked
 * as Docker checks them (a bad one throws: the container is not made), and the engine logs with json-file,
 * which the agent reads and sends on.
 */
function logDriver(def: ContainerDefinition): ContainerSpec['log'] {
  const config = def.logConfiguration;
  if (config?.logDriver === 'awslogs') {
    awslogsConfig(config.options ?? {});
    return { driver: 'json-file', options: {} };
  }
  return config?.logDriver && LOCAL_LOG_DRIVERS.has(config.logDriver) ? { driver: config.logDriver, options: config.options ?? {} } : undefined;
}
