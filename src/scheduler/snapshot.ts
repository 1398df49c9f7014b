// A cluster as placement reads it: its container instances and what their tasks hold, indexed for a linear
// scan that costs a few nanoseconds per instance. Building it from records is O(instances + tasks); the
// control plane keeps one per cluster and updates it as records change (putInstance, putTask, ...), so a
// placement never re-derives the cluster from scratch. Placement only reads it: the tentative occupations
// it makes while planning several tasks are undone before it returns.
import type { Attribute } from '@aws-sdk/client-ecs';
import type { ContainerInstanceRecord, Resource, TaskRecord } from '../core/ecs.js';
import { attributeMap, type ClusterQuery, type ContainerInstanceView } from './cluster-query.js';
import { describeResources, HostPorts, readRegisteredResources, resourceShortfall, type ResourceShortfall, type TaskRequirement } from './resources.js';

/** The members of a task record the snapshot reads. */
export type SnapshotTask = Pick<TaskRecord, 'taskArn' | 'containerInstanceArn' | 'group' | 'lastStatus' | 'desiredStatus'>;

/** How placement treats an instance: skipped (not ACTIVE), refused with `AGENT`, or a candidate. */
export const SKIPPED = 0;
export const AGENT_DISCONNECTED = 1;
export const CANDIDATE = 2;

/** One container instance, as cluster queries see it (it is their ContainerInstanceView) and with its ledger. */
export class InstanceSlot implements ContainerInstanceView {
  ec2InstanceId: string | undefined;
  agentConnected = false;
  agentVersion: string | undefined;
  registeredAt: number | undefined;
  attributes: ReadonlyMap<string, string | undefined> = new Map();
  runningTasksCount = 0;
  readonly taskGroups = new Set<string>();
  registeredCpu = 0;
  registeredMemory = 0;
  heldCpu = 0;
  heldMemory = 0;
  readonly ports = new HostPorts(new Set());
  readonly udpPorts = new HostPorts(new Set());

  constructor(public record: ContainerInstanceRecord) {}
}

interface TaskEntry {
  instanceArn: string | undefined;
  requirement: TaskRequirement;
  group: string | undefined;
  /** Holds resources: every task until it is STOPPED. */
  holds: boolean;
  /** Counts as running (runningTasksCount, task groups for spread and distinctInstance): desired RUNNING. */
  running: boolean;
  /** The slot its share is booked on, or -1 while its instance is not in the snapshot. */
  slot: number;
}

/** An attribute's value per slot, as small integers: 0 for instances without the attribute. */
export interface AttributeColumn {
  ids: Int32Array;
  /** values[id]; values[0] is undefined. */
  values: (string | undefined)[];
  /** slots[id]: the slots whose instance has that value. */
  slots: Int32Array[];
}

/**
 * Slots bucketed by a free amount (CPU units or MiB) in doubly linked lists, so that binpack can walk
 * the instances from the least free upwards and stop at the first bucket with one that fits.
 */
export class FreeIndex {
  /** First slot of each bucket, or -1. */
  head = new Int32Array(64).fill(-1);
  next: Int32Array;
  prev: Int32Array;
  /** Each slot's bucket, or -1 when it is not indexed. */
  bucketOf: Int32Array;

  constructor(
    /** The amount one bucket spans. */
    readonly bucketSize: number,
    capacity: number,
  ) {
    this.next = new Int32Array(capacity).fill(-1);
    this.prev = new Int32Array(capacity).fill(-1);
    this.bucketOf = new Int32Array(capacity).fill(-1);
  }

  bucket(amount: number): number {
    return amount <= 0 ? 0 : Math.floor(amount / this.bucketSize);
  }

  update(slot: number, free: number): void {
    const bucket = this.bucket(free);
    if (this.bucketOf[slot] === bucket) return;
    this.remove(slot);
    if (bucket >= this.head.length) {
      const head = new Int32Array(Math.max(bucket + 1, this.head.length * 2)).fill(-1);
      head.set(this.head);
      this.head = head;
    }
    const first = this.head[bucket]!;
    this.next[slot] = first;
    this.prev[slot] = -1;
    if (first >= 0) this.prev[first] = slot;
    this.head[bucket] = slot;
    this.bucketOf[slot] = bucket;
  }

  remove(slot: number): void {
    const bucket = this.bucketOf[slot]!;
    if (bucket < 0) return;
    const next = this.next[slot]!;
    const prev = this.prev[slot]!;
    if (prev >= 0) this.next[prev] = next;
    else this.head[bucket] = next;
    if (next >= 0) this.prev[next] = prev;
    this.bucketOf[slot] = -1;
  }

  grow(capacity: number): void {
    const grow = (from: Int32Array) => {
      const to = new Int32Array(capacity).fill(-1);
      to.set(from);
      return to;
    };
    this.next = grow(this.next);
    this.prev = grow(this.prev);
    this.bucketOf = grow(this.bucketOf);
  }
}

export class ClusterSnapshot {
  /** Slot per index; undefined where an instance was removed (the index is reused). */
  readonly slots: (InstanceSlot | undefined)[] = [];
  /** Per slot: SKIPPED, AGENT_DISCONNECTED or CANDIDATE. */
  eligibility = new Uint8Array(16);
  /** Per slot: CPU units and MiB not held by tasks. */
  cpuFree = new Float64Array(16);
  memoryFree = new Float64Array(16);
  /** The slots by free CPU (buckets of 32 units) and by free memory (buckets of 64 MiB). */
  readonly cpuIndex = new FreeIndex(32, 16);
  readonly memoryIndex = new FreeIndex(64, 16);
  /** How many instances are ACTIVE (whatever their agent): RunTask needs at least one. */
  activeInstances = 0;

  private readonly slotByArn = new Map<string, number>();
  private readonly slotById = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  private readonly groups = new Map<string, { counts: Float64Array; total: number }>();
  private readonly tasks = new Map<string, TaskEntry>();
  private readonly tasksByInstance = new Map<string, Set<string>>();
  // Derived from instances only, so rebuilt lazily after any instance changes.
  private readonly attributeColumns = new Map<string, AttributeColumn>();
  private readonly memberOfMasks = new Map<string, Uint8Array>();
  private readonly attributeMasks = new Map<string, Uint8Array>();
  private everySlot: Int32Array | undefined;
  /** Per group, for each attribute a spread asked about: the group's tasks under each value (kept up to date). */
  private readonly valueCounts = new Map<string, { attribute: string; ids: Int32Array; counts: Float64Array }[]>();

  static of(instances: Iterable<ContainerInstanceRecord>, tasks: Iterable<{ task: SnapshotTask; requirement: TaskRequirement }> = []): ClusterSnapshot {
    const snapshot = new ClusterSnapshot();
    for (const i of instances) snapshot.putInstance(i);
    for (const t of tasks) snapshot.putTask(t.task, t.requirement);
    return snapshot;
  }

  /** Upper bound of slot indexes. */
  get size(): number {
    return this.slots.length;
  }

  /** The slot of an instance by ARN or id, or -1. */
  slotOf(instance: string): number {
    return this.slotByArn.get(instance) ?? this.slotById.get(instance) ?? -1;
  }

  view(instance: string): ContainerInstanceView | undefined {
    const slot = this.slotOf(instance);
    return slot < 0 ? undefined : this.slots[slot];
  }

  /** `remainingResources` of an instance as DescribeContainerInstances shows them. */
  remainingResources(instance: string): Resource[] | undefined {
    const slot = this.slotOf(instance);
    const s = this.slots[slot];
    if (!s) return undefined;
    return describeResources(this.cpuFree[slot]!, this.memoryFree[slot]!, s.ports, s.udpPorts);
  }

  /** Adds an instance or takes its new status, agent state, attributes and registered resources. */
  putInstance(record: ContainerInstanceRecord): void {
    const arn = record.containerInstanceArn;
    let slot = this.slotByArn.get(arn);
    let s: InstanceSlot;
    if (slot === undefined) {
      slot = this.freeSlots.pop() ?? this.slots.length;
      this.ensureCapacity(slot + 1);
      s = new InstanceSlot(record);
      this.slots[slot] = s;
      this.slotByArn.set(arn, slot);
      this.slotById.set(arn.split('/').at(-1)!, slot);
    } else {
      s = this.slots[slot]!;
      if (s.record.status === 'ACTIVE') this.activeInstances--;
      s.record = record;
    }
    if (record.status === 'ACTIVE') this.activeInstances++;
    const registered = readRegisteredResources(record.registeredResources);
    s.ec2InstanceId = record.ec2InstanceId;
    s.agentConnected = record.agentConnected;
    s.agentVersion = record.versionInfo?.agentVersion;
    s.registeredAt = record.registeredAt ? new Date(record.registeredAt).getTime() : undefined;
    s.attributes = attributeMap(record);
    s.registeredCpu = registered.cpu;
    s.registeredMemory = registered.memory;
    s.ports.reregister(registered.ports);
    s.udpPorts.reregister(registered.udpPorts);
    this.eligibility[slot] = record.status !== 'ACTIVE' ? SKIPPED : record.agentConnected ? CANDIDATE : AGENT_DISCONNECTED;
    this.refreshFree(slot);
    this.instancesChanged();
    for (const taskArn of this.tasksByInstance.get(arn) ?? []) {
      const entry = this.tasks.get(taskArn)!;
      if (entry.slot < 0) this.book(entry, slot, 1);
    }
  }

  removeInstance(arn: string): void {
    const slot = this.slotByArn.get(arn);
    if (slot === undefined) return;
    for (const taskArn of this.tasksByInstance.get(arn) ?? []) {
      const entry = this.tasks.get(taskArn)!;
      if (entry.slot === slot) this.book(entry, slot, -1);
    }
    if (this.slots[slot]!.record.status === 'ACTIVE') this.activeInstances--;
    this.slots[slot] = undefined;
    this.slotByArn.delete(arn);
    this.slotById.delete(arn.split('/').at(-1)!);
    this.eligibility[slot] = SKIPPED;
    this.cpuFree[slot] = 0;
    this.memoryFree[slot] = 0;
    this.cpuIndex.remove(slot);
    this.memoryIndex.remove(slot);
    this.freeSlots.push(slot);
    this.instancesChanged();
  }

  /** Adds a task or takes its new status; a task that is STOPPED and not wanted running leaves the snapshot. */
  putTask(task: SnapshotTask, requirement: TaskRequirement): void {
    this.removeTask(task.taskArn);
    const entry: TaskEntry = {
      instanceArn: task.containerInstanceArn,
      requirement,
      group: task.group,
      holds: task.lastStatus !== 'STOPPED',
      running: task.desiredStatus === 'RUNNING',
      slot: -1,
    };
    if (!entry.holds && !entry.running) return;
    this.tasks.set(task.taskArn, entry);
    if (entry.instanceArn === undefined) return;
    let onInstance = this.tasksByInstance.get(entry.instanceArn);
    if (!onInstance) this.tasksByInstance.set(entry.instanceArn, (onInstance = new Set()));
    onInstance.add(task.taskArn);
    const slot = this.slotByArn.get(entry.instanceArn);
    if (slot !== undefined) this.book(entry, slot, 1);
  }

  removeTask(taskArn: string): void {
    const entry = this.tasks.get(taskArn);
    if (!entry) return;
    if (entry.slot >= 0) this.book(entry, entry.slot, -1);
    this.tasks.delete(taskArn);
    if (entry.instanceArn === undefined) return;
    const onInstance = this.tasksByInstance.get(entry.instanceArn)!;
    onInstance.delete(taskArn);
    if (onInstance.size === 0) this.tasksByInstance.delete(entry.instanceArn);
  }

  /** Books one more (sign 1) or one fewer (sign -1) task of `group` needing `requirement` on a slot. */
  occupy(slot: number, requirement: TaskRequirement, group: string | undefined, sign: 1 | -1): void {
    this.adjust(slot, requirement, group, true, true, sign);
  }

  /** Tasks of `group` per slot, counting tasks wanted running; undefined when the group has none. */
  groupCounts(group: string): Float64Array | undefined {
    return this.groups.get(group)?.counts;
  }

  /** The first resource a slot lacks for a task, or undefined when it fits. */
  shortfall(slot: number, requirement: TaskRequirement): ResourceShortfall | undefined {
    const s = this.slots[slot]!;
    return resourceShortfall({ cpu: this.cpuFree[slot]!, memory: this.memoryFree[slot]!, ports: s.ports, udpPorts: s.udpPorts }, requirement);
  }

  portsTaken(slot: number, requirement: TaskRequirement): boolean {
    const s = this.slots[slot]!;
    return s.ports.anyTaken(requirement.ports) || s.udpPorts.anyTaken(requirement.udpPorts);
  }

  attributeColumn(name: string): AttributeColumn {
    let column = this.attributeColumns.get(name);
    if (column) return column;
    const ids = new Int32Array(this.eligibility.length);
    const values: (string | undefined)[] = [undefined];
    const members: number[][] = [[]];
    const idOf = new Map<string, number>();
    this.slots.forEach((s, slot) => {
      if (!s) return;
      const value = s.attributes.get(name);
      let id = value === undefined ? 0 : idOf.get(value);
      if (id === undefined) {
        idOf.set(value!, (id = values.push(value) - 1));
        members.push([]);
      }
      ids[slot] = id;
      members[id]!.push(slot);
    });
    this.attributeColumns.set(name, (column = { ids, values, slots: members.map((m) => Int32Array.from(m)) }));
    return column;
  }

  /**
   * How many of the group's tasks (wanted running) run under each value id of an attribute column,
   * instances without the attribute counting under id 0. Maintained as tasks come and go once asked for.
   */
  groupValueCounts(group: string, attribute: string): Float64Array {
    let tracked = this.valueCounts.get(group);
    if (!tracked) this.valueCounts.set(group, (tracked = []));
    const known = tracked.find((t) => t.attribute === attribute);
    if (known) return known.counts;
    const { ids, values } = this.attributeColumn(attribute);
    const counts = new Float64Array(values.length);
    const groupCounts = this.groupCounts(group);
    if (groupCounts) for (let slot = 0; slot < this.slots.length; slot++) counts[ids[slot]!]! += groupCounts[slot]!;
    tracked.push({ attribute, ids, counts });
    return counts;
  }

  /** Every slot index, 0 to size - 1. */
  allSlots(): Int32Array {
    if (this.everySlot?.length !== this.slots.length) this.everySlot = Int32Array.from(this.slots.keys());
    return this.everySlot;
  }

  /** Per slot, 1 where the instance satisfies a query that depends on instances only. */
  memberOfMask(query: ClusterQuery): Uint8Array {
    let mask = this.memberOfMasks.get(query.expression);
    if (mask) return mask;
    mask = new Uint8Array(this.eligibility.length);
    for (let slot = 0; slot < this.slots.length; slot++) {
      const s = this.slots[slot];
      if (s && query.matches(s)) mask[slot] = 1;
    }
    this.memberOfMasks.set(query.expression, mask);
    return mask;
  }

  /**
   * Per slot, 1 where the instance has every attribute a task definition requires (its
   * `requiresAttributes`: the name, and the value when one is given), as ECS matches them.
   */
  requiredAttributesMask(required: readonly Attribute[]): Uint8Array {
    const key = required.map((a) => `${a.name}\0${a.value ?? ''}`).sort().join('\n');
    let mask = this.attributeMasks.get(key);
    if (mask) return mask;
    mask = new Uint8Array(this.eligibility.length);
    for (let slot = 0; slot < this.slots.length; slot++) {
      const s = this.slots[slot];
      if (s && required.every((a) => s.attributes.has(a.name!) && (a.value === undefined || s.attributes.get(a.name!) === a.value))) mask[slot] = 1;
    }
    this.attributeMasks.set(key, mask);
    return mask;
  }

  private book(entry: TaskEntry, slot: number, sign: 1 | -1): void {
    this.adjust(slot, entry.requirement, entry.group, entry.holds, entry.running, sign);
    entry.slot = sign > 0 ? slot : -1;
  }

  private adjust(slot: number, requirement: TaskRequirement, group: string | undefined, holds: boolean, running: boolean, sign: 1 | -1): void {
    const s = this.slots[slot]!;
    if (holds) {
      s.heldCpu += sign * requirement.cpu;
      s.heldMemory += sign * requirement.memory;
      if (sign > 0) {
        s.ports.take(requirement.ports);
        s.udpPorts.take(requirement.udpPorts);
      } else {
        s.ports.release(requirement.ports);
        s.udpPorts.release(requirement.udpPorts);
      }
      this.refreshFree(slot);
    }
    if (running) {
      s.runningTasksCount += sign;
      if (group !== undefined) this.countGroup(slot, s, group, sign);
    }
  }

  private countGroup(slot: number, s: InstanceSlot, group: string, sign: 1 | -1): void {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = { counts: new Float64Array(this.eligibility.length), total: 0 }));
    const n = (g.counts[slot] = g.counts[slot]! + sign);
    g.total += sign;
    if (n === 0) s.taskGroups.delete(group);
    else s.taskGroups.add(group);
    const tracked = this.valueCounts.get(group);
    if (tracked) for (let t = 0; t < tracked.length; t++) tracked[t]!.counts[tracked[t]!.ids[slot]!]! += sign;
    if (g.total === 0) {
      this.groups.delete(group);
      this.valueCounts.delete(group);
    }
  }

  private refreshFree(slot: number): void {
    const s = this.slots[slot]!;
    this.cpuFree[slot] = s.registeredCpu - s.heldCpu;
    this.memoryFree[slot] = s.registeredMemory - s.heldMemory;
    this.cpuIndex.update(slot, this.cpuFree[slot]!);
    this.memoryIndex.update(slot, this.memoryFree[slot]!);
  }

  private instancesChanged(): void {
    this.attributeColumns.clear();
    this.memberOfMasks.clear();
    this.attributeMasks.clear();
    this.valueCounts.clear();
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.eligibility.length) return;
    const capacity = Math.max(slots, this.eligibility.length * 2);
    const grow = <T extends Uint8Array | Float64Array | Int32Array>(from: T, make: (n: number) => T): T => {
      const to = make(capacity);
      to.set(from as never);
      return to;
    };
    this.eligibility = grow(this.eligibility, (n) => new Uint8Array(n));
    this.cpuFree = grow(this.cpuFree, (n) => new Float64Array(n));
    this.memoryFree = grow(this.memoryFree, (n) => new Float64Array(n));
    for (const g of this.groups.values()) g.counts = grow(g.counts, (n) => new Float64Array(n));
    this.cpuIndex.grow(capacity);
    this.memoryIndex.grow(capacity);
    this.instancesChanged();
  }
}
