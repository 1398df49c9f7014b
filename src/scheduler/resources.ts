// A container instance's resources as ECS models them: what the agent registered (CPU units, MiB of memory,
// the host ports it reserves) and what is left once the instance's tasks have taken their share.
import type { ContainerDefinition, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import type { Resource } from '../core/ecs.js';
import { InvalidParameterException } from '../core/ecs-errors.js';
import { withOverrides } from '../core/task-overrides.js';

/**
 * Ports the ECS agent always reserves on an instance (SSH, the Docker daemon's two ports, the agent's
 * introspection and credentials ports), in the order the agent registers them.
 */
export const RESERVED_PORTS: readonly number[] = [22, 2376, 2375, 51678, 51679];

/** What one task takes from the instance it runs on. */
export interface TaskRequirement {
  /** CPU units (1024 per core). */
  cpu: number;
  /** MiB. */
  memory: number;
  /** Static host ports, TCP. */
  ports: readonly number[];
  /** Static host ports, UDP. */
  udpPorts: readonly number[];
}

/** Why an instance cannot hold a task's resources: ECS's `failures[].reason` for RunTask and StartTask. */
export type ResourceShortfall = 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS' | 'RESOURCE:PORTS_UDP';

export interface InstanceCapacity {
  /** Number of cores; ECS registers `cores x 1024` CPU units. */
  cores: number;
  memoryMiB: number;
  /** Host ports reserved besides RESERVED_PORTS (the agent's ECS_RESERVED_PORTS). */
  reservedPorts?: readonly number[];
  reservedUdpPorts?: readonly number[];
}

/** The `registeredResources` an agent reports for an instance, shaped as DescribeContainerInstances shows them. */
export function registeredResources(capacity: InstanceCapacity): Resource[] {
  const ports = new Set([...RESERVED_PORTS, ...(capacity.reservedPorts ?? [])]);
  return describeResources(Math.round(capacity.cores * 1024), capacity.memoryMiB, ports, capacity.reservedUdpPorts ?? []);
}

/** Resources as the ECS API shows them: numbers as INTEGER, ports as a STRINGSET of decimal strings. */
export function describeResources(cpu: number, memory: number, ports: Iterable<number>, udpPorts: Iterable<number>): Resource[] {
  const integer = (name: string, value: number): Resource => ({ name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value });
  const stringSet = (name: string, values: Iterable<number>): Resource => ({
    name,
    type: 'STRINGSET',
    doubleValue: 0,
    longValue: 0,
    integerValue: 0,
    stringSetValue: [...values].map(String),
  });
  return [integer('CPU', cpu), integer('MEMORY', memory), stringSet('PORTS', ports), stringSet('PORTS_UDP', udpPorts)];
}

/** The numbers and port sets inside a `registeredResources` list; the reserved ports are always taken. */
export function readRegisteredResources(resources: readonly Resource[] | undefined): {
  cpu: number;
  memory: number;
  ports: Set<number>;
  udpPorts: Set<number>;
} {
  const find = (name: string) => resources?.find((r) => r.name === name);
  const amount = (r: Resource | undefined) => r?.integerValue || r?.longValue || r?.doubleValue || 0;
  const portSet = (r: Resource | undefined) => new Set((r?.stringSetValue ?? []).map(Number).filter(Number.isInteger));
  const ports = portSet(find('PORTS'));
  for (const p of RESERVED_PORTS) ports.add(p);
  return { cpu: amount(find('CPU')), memory: amount(find('MEMORY')), ports, udpPorts: portSet(find('PORTS_UDP')) };
}

/**
 * The host ports of one protocol taken on an instance: those registered (never released) plus those held
 * by tasks, counted so that releasing one task's port leaves another holder's in place.
 */
export class HostPorts {
  private readonly held = new Map<number, number>();

  constructor(private registered: ReadonlySet<number>) {}

  /** Registered ports change only when the instance re-registers; tasks keep holding theirs. */
  reregister(registered: ReadonlySet<number>): void {
    this.registered = registered;
  }

  has(port: number): boolean {
    return this.registered.has(port) || this.held.has(port);
  }

  anyTaken(ports: readonly number[]): boolean {
    for (const p of ports) if (this.has(p)) return true;
    return false;
  }

  take(ports: readonly number[]): void {
    for (const p of ports) this.held.set(p, (this.held.get(p) ?? 0) + 1);
  }

  release(ports: readonly number[]): void {
    for (const p of ports) {
      const n = this.held.get(p) ?? 0;
      if (n <= 1) this.held.delete(p);
      else this.held.set(p, n - 1);
    }
  }

  /** Registered ports first, in their order, then task ports ascending (as DescribeContainerInstances lists them). */
  *[Symbol.iterator](): IterableIterator<number> {
    yield* this.registered;
    yield* [...this.held.keys()].filter((p) => !this.registered.has(p)).sort((a, b) => a - b);
  }
}

/**
 * The first resource an instance lacks for a task, in the order ECS checks them, or undefined when the
 * task fits. Dynamic host ports (hostPort 0 or absent in bridge mode) need no check.
 */
export function resourceShortfall(
  free: { cpu: number; memory: number; ports: HostPorts; udpPorts: HostPorts },
  need: TaskRequirement,
): ResourceShortfall | undefined {
  if (need.cpu > free.cpu) return 'RESOURCE:CPU';
  if (need.memory > free.memory) return 'RESOURCE:MEMORY';
  if (free.ports.anyTaken(need.ports)) return 'RESOURCE:PORTS';
  if (free.udpPorts.anyTaken(need.udpPorts)) return 'RESOURCE:PORTS_UDP';
  return undefined;
}

/** `remainingResources` as DescribeContainerInstances shows them: registered minus what `tasks` hold. */
export function remainingResources(registered: readonly Resource[] | undefined, tasks: Iterable<TaskRequirement>): Resource[] {
  const total = readRegisteredResources(registered);
  const ports = new HostPorts(total.ports);
  const udpPorts = new HostPorts(total.udpPorts);
  let { cpu, memory } = total;
  for (const t of tasks) {
    cpu -= t.cpu;
    memory -= t.memory;
    ports.take(t.ports);
    udpPorts.take(t.udpPorts);
  }
  return describeResources(cpu, memory, ports, udpPorts);
}

/**
 * What a task of `definition` run with `overrides` takes, by ECS's rules for the EC2 launch type:
 * task-level cpu and memory when set (overrides first), else the sum over containers of `cpu` and of
 * `memoryReservation` or, without one, `memory` (the soft limit is what ECS subtracts from the instance);
 * and the static host ports of the port mappings in `bridge` and `host` network modes.
 */
export function taskRequirement(definition: TaskDefinition, overrides?: TaskOverride): TaskRequirement {
  const effective = withOverrides(definition, overrides);
  const containers = effective.containerDefinitions ?? [];
  const taskCpu = parseTaskCpu(effective.cpu);
  const taskMemory = parseTaskMemory(effective.memory);
  let cpu = 0;
  let memory = 0;
  for (const c of containers) {
    cpu += c.cpu ?? 0;
    memory += c.memoryReservation ?? c.memory ?? 0;
  }
  const { ports, udpPorts } = hostPorts(definition.networkMode ?? 'bridge', containers);
  return { cpu: taskCpu ?? cpu, memory: taskMemory ?? memory, ports, udpPorts };
}

function hostPorts(networkMode: string, containers: ContainerDefinition[]): { ports: number[]; udpPorts: number[] } {
  const tcp = new Set<number>();
  const udp = new Set<number>();
  // awsvpc tasks get their own network interface and `none` has no ports: neither takes host ports.
  if (networkMode === 'bridge' || networkMode === 'host') {
    for (const c of containers) {
      for (const m of c.portMappings ?? []) {
        const into = m.protocol === 'udp' ? udp : tcp;
        if (m.containerPortRange) {
          // Bridge mode maps a container port range onto ephemeral host ports; host mode binds the range itself.
          if (networkMode === 'host') for (const p of portRange(m.containerPortRange)) into.add(p);
          continue;
        }
        const port = networkMode === 'host' ? (m.hostPort || m.containerPort) : m.hostPort;
        if (port) into.add(port);
      }
    }
  }
  return { ports: [...tcp], udpPorts: [...udp] };
}

function portRange(range: string): number[] {
  const match = /^(\d+)-(\d+)$/.exec(range.trim());
  if (!match) return [];
  const from = Number(match[1]);
  const to = Number(match[2]);
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/** Task-level CPU: CPU units (`1024`) or vCPUs (`1 vCPU`, `0.5 vcpu`), as RegisterTaskDefinition accepts. */
export function parseTaskCpu(value: string | undefined): number | undefined {
  return parseAmount(value, /^v?cpus?$/i, 1024, 'cpu');
}

/** Task-level memory: MiB (`512`) or GB (`1 GB`, `2GB`), as RegisterTaskDefinition accepts. */
export function parseTaskMemory(value: string | undefined): number | undefined {
  return parseAmount(value, /^gb$/i, 1024, 'memory');
}

function parseAmount(value: string | undefined, unit: RegExp, perUnit: number, what: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (match && !match[2]) return Number(match[1]);
  if (match && unit.test(match[2]!)) return Math.round(Number(match[1]) * perUnit);
  throw new InvalidParameterException(`Invalid '${what}' setting for task: ${value}`);
}
