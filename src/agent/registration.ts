// How the agent introduces its host to ECS (RegisterContainerInstance), as the ECS agent does: resources
// from the engine, an instance identity document standing in for EC2's, its capabilities as attributes;
// and the registration it keeps in its data dir so that, restarted, it comes back as the same instance.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attribute, RegisterContainerInstanceRequest, Resource } from '@aws-sdk/client-ecs';
import { HOST_ID_ATTRIBUTE } from '../core/efs-exports.js';
import type { RuntimeInfo } from '../core/runtime.js';
import { DEFAULT_SECURITY_SETTINGS, securityCapabilities, type SecuritySettings } from './security-settings.js';

/**
 * This host's id (systemd's machine id, else the host name): the control plane compares an agent's with its
 * own to know whether the agent shares its host, and so the file systems' directories (docs/efs.md).
 */
export function hostId(): string {
  try {
    const id = readFileSync('/etc/machine-id', 'utf8').trim();
    if (/^[0-9a-f]{32}$/.test(id)) return id;
  } catch {
    // no machine id: the host name stands in
  }
  return hostname();
}

/** Ports the ECS agent always reserves: SSH, the Docker daemon, and the agent's own introspection ports. */
export const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];

export const DEFAULT_INSTANCE_TYPE = 'wharf.local';

/** An EC2-style instance id (`i-` and 17 hex digits) that is the same for a host and data dir every time. */
export function ec2InstanceId(hostname: string, dataDir: string): string {
  return `i-${createHash('sha256').update(`${hostname}\0${dataDir}`).digest('hex').slice(0, 17)}`;
}

type Interfaces = Record<string, { address: string; family: string | number; internal: boolean }[] | undefined>;

/** The host's first external IPv4 address, leaving out container bridges (Docker's and others'). */
export function privateIp(interfaces: Interfaces): string | undefined {
  const bridge = /^(docker|br-|veth|cni|virbr|flannel|cali)/;
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (bridge.test(name)) continue;
    const v4 = addresses?.find((a) => !a.internal && (a.family === 'IPv4' || a.family === 4));
    if (v4) return v4.address;
  }
  return undefined;
}

/** ECS names CPU architectures as EC2 does. */
const cpuArchitecture = (engine: string) => (engine === 'aarch64' || engine === 'arm64' ? 'arm64' : 'x86_64');

export interface InstanceIdentity {
  instanceId: string;
  region: string;
  instanceType: string;
  privateIp?: string;
  architecture: string;
  /** On an EC2 instance, the metadata service's identity document and its signature, sent as they are. */
  document?: string;
  signature?: string;
}

/** The instance identity document as EC2's metadata service writes it (the fields ECS reads). */
export function instanceIdentityDocument(identity: InstanceIdentity): string {
  if (identity.document !== undefined) return identity.document;
  return JSON.stringify({
    architecture: identity.architecture,
    availabilityZone: `${identity.region}a`,
    instanceId: identity.instanceId,
    instanceType: identity.instanceType,
    privateIp: identity.privateIp,
    region: identity.region,
    version: '2017-09-30',
  });
}

/** Engine API versions the ECS agent advertises, from 1.17 up to what the daemon speaks. */
function dockerApiVersions(apiVersion: string): string[] {
  const max = Number(apiVersion.split('.')[1] ?? 0);
  return Array.from({ length: Math.max(0, max - 16) }, (_, i) => `1.${17 + i}`);
}

/**
 * The attributes the ECS agent registers for what this agent honours, so that placement matches a task
 * definition's requiresAttributes. Log drivers that need AWS (awslogs) are accepted and fall back to
 * Docker's default driver; awsvpc tasks run on the bridge network. Privileged containers, SELinux and
 * AppArmor as the settings allow.
 */
export function capabilityAttributes(info: RuntimeInfo, security: SecuritySettings = DEFAULT_SECURITY_SETTINGS): Attribute[] {
  const names = [
    ...dockerApiVersions(info.apiVersion).map((v) => `com.amazonaws.ecs.capability.docker-remote-api.${v}`),
    ...['json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'none'].map(
      (d) => `com.amazonaws.ecs.capability.logging-driver.${d}`,
    ),
    ...securityCapabilities(security),
    'com.amazonaws.ecs.capability.ecr-auth',
    'com.amazonaws.ecs.capability.task-iam-role',
    'com.amazonaws.ecs.capability.task-iam-role-network-host',
    'ecs.capability.execution-role-awslogs',
    'ecs.capability.execution-role-ecr-pull',
    'ecs.capability.task-cpu-mem-limit',
    'ecs.capability.container-health-check',
    'ecs.capability.container-ordering',
    'ecs.capability.docker-plugin.local',
    'ecs.capability.task-eni',
    'ecs.capability.efs',
    'ecs.capability.efsAuth',
    'ecs.capability.full-sync',
  ];
  return [
    ...names.map((name) => ({ name })),
    { name: 'ecs.os-type', value: info.os },
    { name: 'ecs.os-family', value: info.os.toUpperCase() },
    { name: 'ecs.cpu-architecture', value: cpuArchitecture(info.architecture) },
  ];
}

export interface RegistrationInput {
  cluster: string;
  info: RuntimeInfo;
  identity: InstanceIdentity;
  agentVersion: string;
  /** Memory (MiB) kept back for the host and the engine, as ECS_RESERVED_MEMORY does. */
  reservedMemoryMiB: number;
  customAttributes?: Record<string, string>;
  /** The host's id (hostId()), registered as `wharf.host-id`. */
  hostId?: string;
  /** What the instance lets tasks do (default: the ECS agent's defaults). */
  security?: SecuritySettings;
  /** Set when re-registering as a known instance. */
  containerInstanceArn?: string;
}

export function registrationRequest(input: RegistrationInput): RegisterContainerInstanceRequest {
  const memoryMiB = Math.floor(input.info.memoryBytes / (1024 * 1024)) - input.reservedMemoryMiB;
  const resources: Resource[] = [
    { name: 'CPU', type: 'INTEGER', integerValue: input.info.cpus * 1024 },
    { name: 'MEMORY', type: 'INTEGER', integerValue: Math.max(0, memoryMiB) },
    { name: 'PORTS', type: 'STRINGSET', stringSetValue: RESERVED_PORTS },
    { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
  ];
  const custom = Object.entries(input.customAttributes ?? {}).map(([name, value]) => ({ name, value }));
  return {
    cluster: input.cluster,
    containerInstanceArn: input.containerInstanceArn,
    instanceIdentityDocument: instanceIdentityDocument(input.identity),
    ...(input.identity.signature !== undefined && { instanceIdentityDocumentSignature: input.identity.signature }),
    totalResources: resources,
    versionInfo: { agentVersion: input.agentVersion, dockerVersion: `DockerVersion: ${input.info.version}` },
    attributes: [
      ...capabilityAttributes(input.info, input.security),
      ...(input.hostId !== undefined ? [{ name: HOST_ID_ATTRIBUTE, value: input.hostId }] : []),
      ...custom,
    ],
  };
}

/** What the agent keeps in its data dir between runs. */
export interface SavedRegistration {
  cluster: string;
  containerInstanceArn: string;
}

const STATE_FILE = 'agent.json';

export async function readRegistration(dataDir: string): Promise<SavedRegistration | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, STATE_FILE), 'utf8')) as SavedRegistration;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function saveRegistration(dataDir: string, saved: SavedRegistration): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Write then rename, so a crash never leaves half a file.
  const tmp = join(dataDir, `${STATE_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, join(dataDir, STATE_FILE));
}

/** Forgets the saved registration, so the next start registers a new instance (as a deregistered host must). */
export async function forgetRegistration(dataDir: string): Promise<void> {
  await rm(join(dataDir, STATE_FILE), { force: true });
}
