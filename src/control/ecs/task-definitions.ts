// ECS's rules for task definitions: what RegisterTaskDefinition checks, the defaults it fills in, and the
// members it computes (compatibilities, requiresAttributes), as the ECS developer guide's "Task definition
// parameters" describe them.
import type {
  Attribute,
  Compatibility,
  ContainerDefinition,
  PortMapping,
  RegisterTaskDefinitionRequest,
  TaskDefinition,
  Volume,
} from '@aws-sdk/client-ecs';
import type { TaskDefinitionRecord } from '../../core/ecs.js';
import { ClientException } from '../../core/ecs-errors.js';
import { parseTaskCpu, parseTaskMemory } from '../../scheduler/resources.js';
import { checkEfsVolumeConfiguration } from '../efs/volumes.js';

const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const MAX_CONTAINERS = 10;
/** The least memory ECS lets a container have, in MiB. */
const MIN_CONTAINER_MEMORY = 4;
/** The least task-level CPU ECS accepts, in CPU units. */
const MIN_TASK_CPU = 128;
const ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** Memory (MiB) Fargate allows for each task CPU size (units). */
const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, steps(1024, 4096, 1024)],
  [1024, steps(2048, 8192, 1024)],
  [2048, steps(4096, 16384, 1024)],
  [4096, steps(8192, 30720, 1024)],
  [8192, steps(16384, 61440, 4096)],
  [16384, steps(32768, 122880, 8192)],
]);

function steps(from: number, to: number, by: number): number[] {
  return Array.from({ length: (to - from) / by + 1 }, (_, i) => from + i * by);
}

/** Whether task-level CPU units and MiB make one of Fargate's task sizes. */
export const isFargateSize = (cpu: number | undefined, memory: number | undefined): boolean =>
  cpu !== undefined && memory !== undefined && (FARGATE_SIZES.get(cpu)?.includes(memory) ?? false);

/** The message ECS refuses a task size Fargate does not offer with. */
export const noFargateSize = (cpu: number | string | undefined, memory: number | string | undefined) =>
  `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the possible combinations.`;

/** Fargate stops a container at most this long after SIGTERM. */
const FARGATE_MAX_STOP_TIMEOUT = 120;
/** The ephemeral storage a task definition may ask for, in GiB. */
const EPHEMERAL_STORAGE_GIB = { min: 21, max: 200 };

/** A registration request as ECS stores it: validated, with defaults filled in and task cpu/memory normalised. */
export type NormalisedDefinition = Omit<RegisterTaskDefinitionRequest, 'tags'> &
  Required<Pick<TaskDefinition, 'family' | 'networkMode' | 'containerDefinitions' | 'volumes' | 'placementConstraints'>>;

/** Checks a RegisterTaskDefinition request as ECS does (ClientException) and fills in ECS's defaults. */
export function normaliseDefinition(input: RegisterTaskDefinitionRequest): NormalisedDefinition {
  const { tags: _tags, ...request } = input;
  const family = input.family ?? '';
  if (!NAME.test(family)) {
    throw new ClientException(
      'Invalid family name. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  }
  const networkMode = input.networkMode ?? 'bridge';
  const cpu = parseTaskCpu(input.cpu);
  const memory = parseTaskMemory(input.memory);
  if (cpu !== undefined && cpu < MIN_TASK_CPU) {
    throw new ClientException(`Invalid 'cpu' setting for task. The minimum is ${MIN_TASK_CPU} CPU units.`);
  }
  const storage = input.ephemeralStorage?.sizeInGiB;
  if (storage !== undefined && (storage < EPHEMERAL_STORAGE_GIB.min || storage > EPHEMERAL_STORAGE_GIB.max)) {
    throw new ClientException(
      `Invalid 'ephemeralStorage' setting for task. The 'sizeInGiB' must be between ${EPHEMERAL_STORAGE_GIB.min} and ${EPHEMERAL_STORAGE_GIB.max} GiB.`,
    );
  }
  const volumes = input.volumes ?? [];
  checkVolumes(volumes);
  const containers = input.containerDefinitions ?? [];
  checkContainers(containers, volumes, memory !== undefined);
  checkTaskSize(containers, cpu, memory);
  const definition: NormalisedDefinition = {
    ...request,
    family,
    networkMode,
    containerDefinitions: containers.map((c) => withContainerDefaults(c, networkMode)),
    volumes,
    placementConstraints: input.placementConstraints ?? [],
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
  };
  for (const launchType of input.requiresCompatibilities ?? []) {
    const problem = incompatibility(definition, launchType);
    if (problem) throw new ClientException(problem);
  }
  return definition;
}

function checkVolumes(volumes: readonly Volume[]): void {
  const names = new Set<string>();
  for (const v of volumes) {
    if (!v.name || !NAME.test(v.name)) {
      throw new ClientException(
        `Invalid volume name '${v.name ?? ''}'. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
      );
    }
    if (names.has(v.name)) throw new ClientException(`Duplicate volume name '${v.name}' in the task definition.`);
    names.add(v.name);
    if (v.efsVolumeConfiguration) checkEfsVolumeConfiguration(v.name, v.efsVolumeConfiguration);
  }
}

function checkContainers(containers: readonly ContainerDefinition[], volumes: readonly Volume[], taskMemory: boolean): void {
  if (containers.length === 0) throw new ClientException('Container list cannot be empty.');
  if (containers.length > MAX_CONTAINERS) {
    throw new ClientException(`Too many containers. A task definition can have at most ${MAX_CONTAINERS} containers.`);
  }
  const names = new Set<string>();
  for (const c of containers) {
    if (!c.name) throw new ClientException('Container.name should not be null or empty.');
    if (!c.image) throw new ClientException('Container.image should not be null or empty.');
    if (!NAME.test(c.name)) {
      throw new ClientException(
        `Invalid container name '${c.name}'. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`,
      );
    }
    if (names.has(c.name)) throw new ClientException(`Duplicate container name '${c.name}' in the task definition.`);
    names.add(c.name);
  }
  const byName = new Map(containers.map((c) => [c.name!, c]));
  const volumeNames = new Set(volumes.map((v) => v.name));
  for (const c of containers) {
    const invalid = (why: string) => new ClientException(`Invalid setting for container '${c.name}'. ${why}`);
    if (c.memory === undefined && c.memoryReservation === undefined && !taskMemory) {
      throw invalid("At least one of 'memory' or 'memoryReservation' must be specified.");
    }
    for (const [what, value] of [['memory', c.memory], ['memoryReservation', c.memoryReservation]] as const) {
      if (value !== undefined && value < MIN_CONTAINER_MEMORY) throw invalid(`'${what}' must be at least ${MIN_CONTAINER_MEMORY} MiB.`);
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory) {
      throw invalid("'memoryReservation' must be less than or equal to 'memory'.");
    }
    for (const d of c.dependsOn ?? []) {
      const target = byName.get(d.containerName ?? '');
      if (!target || target === c) throw invalid(`'dependsOn' names container '${d.containerName ?? ''}', which is not another container of the task definition.`);
      if (d.condition === 'HEALTHY' && !target.healthCheck) {
        throw invalid(`'dependsOn' waits for container '${d.containerName}' to be HEALTHY, but it has no health check.`);
      }
    }
    for (const m of c.mountPoints ?? []) {
      if (!volumeNames.has(m.sourceVolume)) throw invalid(`Mount point source volume '${m.sourceVolume ?? ''}' is not a volume of the task definition.`);
    }
    for (const v of c.volumesFrom ?? []) {
      if (!byName.has(v.sourceContainer ?? '')) throw invalid(`'volumesFrom' names container '${v.sourceContainer ?? ''}', which is not in the task definition.`);
    }
  }
  if (!containers.some((c) => c.essential ?? true)) {
    throw new ClientException('A task definition must have at least one essential container.');
  }
}

/** Containers together must fit in the task-level cpu and memory, when those are set. */
function checkTaskSize(containers: readonly ContainerDefinition[], cpu: number | undefined, memory: number | undefined): void {
  const sum = (f: (c: ContainerDefinition) => number | undefined) => containers.reduce((n, c) => n + (f(c) ?? 0), 0);
  if (memory !== undefined) {
    if (sum((c) => c.memoryReservation ?? c.memory) > memory) {
      throw new ClientException("The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'.");
    }
    const over = containers.find((c) => (c.memory ?? 0) > memory);
    if (over) throw new ClientException(`Invalid setting for container '${over.name}'. 'memory' cannot be greater than the task 'memory'.`);
  }
  if (cpu !== undefined && sum((c) => c.cpu) > cpu) {
    throw new ClientException("The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.");
  }
}

/**
 * ECS's container defaults. In awsvpc and host modes a port mapping's host port is its container port,
 * and must be if given; in bridge mode an absent host port is 0 (dynamic).
 */
function withContainerDefaults(c: ContainerDefinition, networkMode: string): ContainerDefinition {
  const portMappings = (c.portMappings ?? []).map((m): PortMapping => {
    if (m.containerPortRange !== undefined) return { protocol: 'tcp', ...m };
    const sameAsContainer = networkMode === 'awsvpc' || networkMode === 'host';
    if (sameAsContainer && m.hostPort !== undefined && m.hostPort !== m.containerPort) {
      throw new ClientException(`When networkMode=${networkMode}, the host ports and container ports in port mappings must match.`);
    }
    return { ...m, hostPort: m.hostPort ?? (sameAsContainer ? m.containerPort : 0), protocol: m.protocol ?? 'tcp' };
  });
  return {
    ...c,
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    portMappings,
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  };
}

/** Why a definition cannot run on a launch type (ECS's ClientException message), or undefined when it can. */
function incompatibility(d: NormalisedDefinition, launchType: Compatibility): string | undefined {
  switch (launchType) {
    case 'FARGATE':
      return fargateIncompatibility(d);
    case 'EXTERNAL':
      return d.networkMode === 'awsvpc' ? 'External instances do not support network mode awsvpc.' : undefined;
    default:
      return undefined;
  }
}

function fargateIncompatibility(d: NormalisedDefinition): string | undefined {
  if (d.networkMode !== 'awsvpc') return "Fargate only supports network mode 'awsvpc'.";
  if (d.cpu === undefined) return "Fargate requires that 'cpu' be defined at the task level.";
  if (d.memory === undefined) return "Fargate requires that 'memory' be defined at the task level.";
  if (!isFargateSize(Number(d.cpu), Number(d.memory))) return noFargateSize(d.cpu, d.memory);
  if (d.pidMode !== undefined && d.pidMode !== 'task') {
    return `Tasks using the Fargate launch type do not support pidMode '${d.pidMode}'. The supported value for pidMode is 'task'.`;
  }
  if (d.ipcMode !== undefined) return 'Tasks using the Fargate launch type do not support ipcMode.';
  if (d.volumes.some((v) => v.host?.sourcePath !== undefined)) return unsupported('sourcePath');
  if (d.volumes.some((v) => v.dockerVolumeConfiguration)) return 'Fargate does not support Docker volumes.';
  for (const c of d.containerDefinitions) {
    // Fargate isolates each task as its own machine: nothing that reaches the host or widens the kernel's
    // reach is allowed (the developer guide's "Amazon ECS task definition differences for Fargate").
    if (c.privileged) return unsupported('privileged');
    if (c.dockerSecurityOptions?.length) return unsupported('dockerSecurityOptions');
    const linux = c.linuxParameters;
    const added = (linux?.capabilities?.add ?? []).find((capability) => capability !== 'SYS_PTRACE');
    if (added !== undefined) return `Invalid setting for container '${c.name}'. Fargate compatible task definitions only support adding the SYS_PTRACE capability, not '${added}'.`;
    if (linux?.devices?.length) return unsupported('devices');
    if (linux?.sharedMemorySize !== undefined) return unsupported('sharedMemorySize');
    if (linux?.tmpfs?.length) return unsupported('tmpfs');
    if (linux?.maxSwap !== undefined || linux?.swappiness !== undefined) return unsupported('maxSwap or swappiness');
    if (c.systemControls?.some((s) => !s.namespace?.startsWith('net.'))) return unsupported('systemControls outside the net namespace');
    if (c.stopTimeout !== undefined && c.stopTimeout > FARGATE_MAX_STOP_TIMEOUT) {
      return `Invalid setting for container '${c.name}'. 'stopTimeout' cannot be greater than ${FARGATE_MAX_STOP_TIMEOUT} seconds on Fargate.`;
    }
    if (c.links?.length) return `Invalid setting for container '${c.name}'. Links are not supported when networkMode=awsvpc.`;
    if (c.logConfiguration?.logDriver === 'awslogs' && !d.executionRoleArn) {
      return 'Fargate requires task definition to have execution role ARN to support log driver awslogs.';
    }
  }
  return undefined;
}

/** ECS's message for a task-definition parameter Fargate does not have. */
const unsupported = (parameter: string) => `Fargate compatible task definitions do not support ${parameter}`;

/** Why a definition cannot run on Fargate (ECS's ClientException message), or undefined when it can. */
export const fargateProblem = (d: TaskDefinitionRecord | NormalisedDefinition): string | undefined => fargateIncompatibility(d as NormalisedDefinition);

/** The launch types a definition can run on, in the order ECS lists them. */
export function compatibilities(d: NormalisedDefinition): Compatibility[] {
  const all: Compatibility[] = ['EXTERNAL', 'EC2', 'FARGATE'];
  return all.filter((launchType) => incompatibility(d, launchType) === undefined);
}

/** The container-instance attributes a definition needs: the agent capabilities of the features it uses. */
export function requiresAttributes(d: NormalisedDefinition): Attribute[] {
  const names = new Set<string>();
  const need = (...n: string[]) => n.forEach((x) => names.add(x));
  const legacy = (name: string) => `com.amazonaws.ecs.capability.${name}`;
  const capability = (name: string) => `ecs.capability.${name}`;
  const dockerApi = (version: string) => legacy(`docker-remote-api.${version}`);
  const secretSource = (valueFrom: string | undefined) => (valueFrom?.startsWith('arn:aws:secretsmanager:') ? 'asm' : 'ssm');

  if (d.taskRoleArn) need(legacy('task-iam-role'), ...(d.networkMode === 'host' ? [legacy('task-iam-role-network-host')] : []));
  if (d.networkMode === 'awsvpc') need(capability('task-eni'));
  if (d.pidMode || d.ipcMode) need(capability('pid-ipc-namespace-sharing'));
  if (d.proxyConfiguration) need(capability('aws-appmesh'));
  if (d.inferenceAccelerators?.length) need(capability('task-eia'));
  for (const v of d.volumes) {
    if (v.efsVolumeConfiguration) {
      need(capability('efs'));
      const efs = v.efsVolumeConfiguration;
      if (efs.transitEncryption === 'ENABLED' || efs.authorizationConfig) need(capability('efsAuth'));
    }
    if (v.dockerVolumeConfiguration) need(legacy(`docker-plugin.${v.dockerVolumeConfiguration.driver ?? 'local'}`), dockerApi('1.25'));
    if (v.fsxWindowsFileServerVolumeConfiguration) need(capability('fsxWindowsFileServer'));
  }
  for (const c of d.containerDefinitions) {
    if (c.image && ECR_IMAGE.test(c.image)) {
      need(legacy('ecr-auth'), ...(d.executionRoleArn ? [capability('execution-role-ecr-pull')] : []));
    }
    if (c.repositoryCredentials) need(capability('private-registry-authentication.secretsmanager'));
    if (c.memoryReservation !== undefined) need(dockerApi('1.21'));
    if (c.healthCheck) need(dockerApi('1.24'), capability('container-health-check'));
    if (c.dockerLabels || c.ulimits?.length) need(dockerApi('1.18'));
    if (c.privileged) need(legacy('privileged-container'));
    if (c.linuxParameters?.initProcessEnabled) need(dockerApi('1.25'));
    for (const option of c.dockerSecurityOptions ?? []) {
      if (option.startsWith('label:')) need(legacy('selinux'));
      if (option.startsWith('apparmor:')) need(legacy('apparmor'));
    }
    for (const s of c.secrets ?? []) need(capability(`secrets.${secretSource(s.valueFrom)}.environment-variables`));
    if (c.environmentFiles?.length) need(capability('env-files.s3'));
    if (c.dependsOn?.length || c.startTimeout !== undefined || c.stopTimeout !== undefined) need(capability('container-ordering'));
    if (c.restartPolicy?.enabled) need(capability('container-restart-policy'));
    if (c.portMappings?.some((m) => m.containerPortRange !== undefined)) need(capability('network.container-port-range'));
    const log = c.logConfiguration;
    if (log?.logDriver) {
      need(dockerApi('1.18'), legacy(`logging-driver.${log.logDriver}`));
      if (log.logDriver === 'awslogs') need(dockerApi('1.19'), ...(d.executionRoleArn ? [capability('execution-role-awslogs')] : []));
      for (const s of log.secretOptions ?? []) need(capability(`secrets.${secretSource(s.valueFrom)}.bootstrap.log-driver`));
    }
    if (c.firelensConfiguration?.type) {
      need(capability(`firelens.${c.firelensConfiguration.type}`));
      const configType = c.firelensConfiguration.options?.['config-file-type'];
      if (configType === 'file' || configType === 's3') need(capability(`firelens.options.config.${configType}`));
    }
  }
  return [...names].map((name) => ({ name }));
}

/** A task definition as the API shows it (the record without its internal members). */
export function taskDefinitionOf(record: TaskDefinitionRecord): TaskDefinition {
  const { tags: _tags, ...definition } = record;
  return definition;
}
