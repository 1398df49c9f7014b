// Task placement, as ECS does it for the EC2 launch type: of the cluster's ACTIVE instances whose agent is
// connected, keep those with the task's CPU, memory and static host ports free, then those with every
// attribute the task definition requires (its requiresAttributes: the agent capabilities its features
// need, refused as ATTRIBUTE), then those that satisfy the placement constraints (the task definition's
// and the request's); then let the placement strategies,
// in order, narrow the choice (each one keeps the instances it ranks best, the next breaks their tie), and
// pick among the last ties at random. Tasks placed earlier in a request count for the later ones.
//
// A pure function over a ClusterSnapshot: it returns a plan and never writes (the occupations it books
// while planning are undone before it returns). Randomness comes in with the request.
import type { Failure, PlacementConstraint, PlacementStrategy, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from '../core/ecs-errors.js';
import { parseClusterQuery, type ClusterQuery } from './cluster-query.js';
import { taskRequirement, type TaskRequirement } from './resources.js';
import { AGENT_DISCONNECTED, CANDIDATE, type AttributeColumn, type ClusterSnapshot, type InstanceSlot } from './snapshot.js';

/** What StartTask and RunTask have in common: the task to place. */
export interface TaskToPlace {
  taskDefinition: TaskDefinition;
  overrides?: TaskOverride;
  /** The task group; ECS's default is `family:<family>`. */
  group?: string;
}

export interface PlacementRequest extends TaskToPlace {
  /** 1 to 10 tasks; 1 when absent. */
  count?: number;
  placementConstraints?: readonly PlacementConstraint[];
  placementStrategy?: readonly PlacementStrategy[];
  /** A uniform random number in [0, 1): the `random` strategy and the last tie-break draw from it. */
  random: () => number;
  /** Only the instances of this capacity provider (its Auto Scaling group's): a strategy's share of the tasks. */
  capacityProvider?: string;
}

export interface PlacementPlan {
  /** What each task takes from its instance (book it with ClusterSnapshot.putTask once the task exists). */
  requirement: TaskRequirement;
  group: string;
  /** One entry per task placed, in order. */
  placements: { containerInstanceArn: string }[];
  /** Why the tasks not placed could not be: one entry per refusing instance and reason, as RunTask returns them. */
  failures: Failure[];
}

export const MAX_TASKS_PER_REQUEST = 10;
export const MAX_PLACEMENT_CONSTRAINTS = 10;
export const MAX_PLACEMENT_STRATEGIES = 5;

export const MEMBER_OF_UNSATISFIED = 'MemberOf placement constraint unsatisfied.';
export const DISTINCT_INSTANCE_UNSATISFIED = 'DistinctInstance placement constraint unsatisfied.';
/** ECS's failure reason for an instance without an attribute the task definition requires. */
export const MISSING_ATTRIBUTE = 'ATTRIBUTE';

export const taskGroup = (task: TaskToPlace): string => task.group ?? `family:${task.taskDefinition.family}`;

type Constraint = { kind: 'distinctInstance' } | { kind: 'memberOf'; query: ClusterQuery };

type Strategy =
  | { kind: 'binpack'; resource: 'cpu' | 'memory' }
  | { kind: 'spreadInstance' }
  | { kind: 'spreadAttribute'; attribute: string }
  | { kind: 'random' };

/** RunTask's placement: up to `count` instances chosen by constraints and strategies. */
export function placeTasks(snapshot: ClusterSnapshot, request: PlacementRequest): PlacementPlan {
  const count = request.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_TASKS_PER_REQUEST) {
    throw new InvalidParameterException(`count must be between 1 and ${MAX_TASKS_PER_REQUEST}.`);
  }
  const constraints = compileConstraints([...(request.taskDefinition.placementConstraints ?? []), ...(request.placementConstraints ?? [])]);
  if (request.capacityProvider !== undefined) constraints.push({ kind: 'memberOf', query: ofCapacityProvider(request.capacityProvider) });
  const strategies = compileStrategies(request.placementStrategy ?? []);
  if (snapshot.activeInstances === 0) throw new InvalidParameterException('No Container Instances were found in your cluster.');

  const plan = newPlan(request);
  const placer = new Placer(snapshot, plan.requirement, plan.group, requiredAttributes(snapshot, request), constraints, strategies, request.random);
  try {
    for (let k = 0; k < count; k++) {
      const slot = placer.choose();
      if (slot < 0) {
        plan.failures = placer.failures();
        break;
      }
      placer.book(slot);
      plan.placements.push({ containerInstanceArn: snapshot.slots[slot]!.record.containerInstanceArn });
    }
  } finally {
    placer.undo();
  }
  return plan;
}

/**
 * StartTask's placement: one task on each named instance (ARN or id), if it is there, ACTIVE or
 * DRAINING, connected, and has the resources and the attributes the task definition requires; no
 * constraints or strategies apply.
 */
export function placeOnInstances(snapshot: ClusterSnapshot, task: TaskToPlace, containerInstances: readonly string[]): PlacementPlan {
  if (containerInstances.length < 1 || containerInstances.length > MAX_TASKS_PER_REQUEST) {
    throw new InvalidParameterException(`containerInstances must list between 1 and ${MAX_TASKS_PER_REQUEST} container instances.`);
  }
  const plan = newPlan(task);
  const attributes = requiredAttributes(snapshot, task);
  const booked: number[] = [];
  const failures = new FailureList();
  try {
    for (const ref of containerInstances) {
      const slot = snapshot.slotOf(ref);
      const instance = snapshot.slots[slot];
      const reason = !instance
        ? 'MISSING'
        : instance.record.status === 'INACTIVE'
          ? 'INACTIVE'
          : !instance.agentConnected
            ? 'AGENT'
            : (snapshot.shortfall(slot, plan.requirement) ?? (attributes?.[slot] === 0 ? MISSING_ATTRIBUTE : undefined));
      if (reason) {
        failures.add(instance?.record.containerInstanceArn ?? ref, reason);
        continue;
      }
      snapshot.occupy(slot, plan.requirement, plan.group, 1);
      booked.push(slot);
      plan.placements.push({ containerInstanceArn: instance!.record.containerInstanceArn });
    }
  } finally {
    for (const slot of booked) snapshot.occupy(slot, plan.requirement, plan.group, -1);
  }
  plan.failures = failures.list;
  return plan;
}

/** Checks placement constraints (the task definition's and the request's) and strategies as placement reads them; throws InvalidParameterException. */
export function validatePlacement(
  task: TaskToPlace,
  placementConstraints: readonly PlacementConstraint[] = [],
  placementStrategy: readonly PlacementStrategy[] = [],
): void {
  compileConstraints([...(task.taskDefinition.placementConstraints ?? []), ...placementConstraints]);
  compileStrategies(placementStrategy);
}

/** Per slot, 1 where the instance has the attributes the task definition requires; undefined when it requires none. */
function requiredAttributes(snapshot: ClusterSnapshot, task: TaskToPlace): Uint8Array | undefined {
  const required = task.taskDefinition.requiresAttributes ?? [];
  return required.length ? snapshot.requiredAttributesMask(required) : undefined;
}

function newPlan(task: TaskToPlace): PlacementPlan {
  return { requirement: taskRequirement(task.taskDefinition, task.overrides), group: taskGroup(task), placements: [], failures: [] };
}

/** Instances of one capacity provider, as a query placement treats like a memberOf constraint's. */
const ofCapacityProvider = (name: string): ClusterQuery => ({
  expression: `\0capacityProvider ${name}`,
  ast: { type: 'compare', subject: { kind: 'attribute', name: '\0capacityProvider' }, operator: '==', values: [name] },
  dependsOnTasks: false,
  matches: (instance) => (instance as InstanceSlot).record.capacityProviderName === name,
});

function compileConstraints(list: readonly { type?: string; expression?: string }[]): Constraint[] {
  if (list.length > MAX_PLACEMENT_CONSTRAINTS) {
    throw new InvalidParameterException(`You can specify a maximum of ${MAX_PLACEMENT_CONSTRAINTS} placement constraints for each task, including those in the task definition.`);
  }
  return list.map((c): Constraint => {
    if (c.type === 'distinctInstance') {
      if (c.expression) throw new InvalidParameterException('An expression cannot be specified for the distinctInstance placement constraint.');
      return { kind: 'distinctInstance' };
    }
    if (c.type === 'memberOf') {
      if (!c.expression) throw new InvalidParameterException('An expression must be specified for the memberOf placement constraint.');
      return { kind: 'memberOf', query: parseClusterQuery(c.expression) };
    }
    throw new InvalidParameterException(`Invalid placement constraint type: ${c.type ?? '(none)'}. Valid types are distinctInstance and memberOf.`);
  });
}

function compileStrategies(list: readonly PlacementStrategy[]): Strategy[] {
  if (list.length > MAX_PLACEMENT_STRATEGIES) {
    throw new InvalidParameterException(`You can specify a maximum of ${MAX_PLACEMENT_STRATEGIES} placement strategies for each task.`);
  }
  const strategies = list.map((s): Strategy => {
    const field = s.field ?? '';
    switch (s.type) {
      case 'random':
        return { kind: 'random' };
      case 'binpack': {
        const resource = field.toLowerCase();
        if (resource !== 'cpu' && resource !== 'memory') throw new InvalidParameterException(`Invalid binpack field: '${field}'. Valid fields are cpu and memory.`);
        return { kind: 'binpack', resource };
      }
      case 'spread':
        if (field === 'instanceId' || field === 'host') return { kind: 'spreadInstance' };
        if (field.startsWith('attribute:') && field.length > 'attribute:'.length) return { kind: 'spreadAttribute', attribute: field.slice('attribute:'.length) };
        throw new InvalidParameterException(`Invalid spread field: '${field}'. Valid fields are instanceId, host, or attribute:<name>.`);
      default:
        throw new InvalidParameterException(`Invalid placement strategy type: ${s.type ?? '(none)'}. Valid types are random, spread and binpack.`);
    }
  });
  // A random pick ranks every instance apart: the strategies after it can no longer break any tie.
  const random = strategies.findIndex((s) => s.kind === 'random');
  return random < 0 ? strategies : strategies.slice(0, random + 1);
}

/** Failures deduplicated by instance and reason, in the order first met. */
class FailureList {
  readonly list: Failure[] = [];
  private readonly seen = new Set<string>();

  add(arn: string, reason: string): void {
    const key = `${arn}\0${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ arn, reason });
  }
}

/** Buffers shared by every call (placement is synchronous): no allocation per candidate or call. */
const scratch = { candidates: new Int32Array(1024), keys: new Float64Array(1024) };

/**
 * Draws tried before scanning when a random pick decides among a set of instances: each draw is one of
 * them uniformly at random, kept if it can take the task, which makes a uniform choice among those that
 * can, in O(1) when most can; when most cannot, a scan of the set decides.
 */
const RANDOM_DRAWS = 32;

/** Spreading on an attribute with more values than this (an id per instance, say) scans the cluster instead. */
const MAX_SPREAD_VALUES = 64;

/** One request's placement state: its compiled rules and the tentative occupations it has booked. */
class Placer {
  private readonly booked: number[] = [];
  private readonly memberOfMasks: Uint8Array[] = [];
  private readonly memberOfQueries: ClusterQuery[] = [];
  private readonly distinct: boolean;
  /** Whether feasibility needs more than the agent, CPU and memory checks. */
  private readonly detailed: boolean;

  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly requirement: TaskRequirement,
    private readonly group: string,
    /** Per slot, 1 where the instance has the attributes the task definition requires (undefined: it requires none). */
    private readonly attributes: Uint8Array | undefined,
    private readonly constraints: Constraint[],
    private readonly strategies: Strategy[],
    private readonly random: () => number,
  ) {
    for (const c of constraints) {
      if (c.kind !== 'memberOf') continue;
      // Instance-only expressions are evaluated once per snapshot; task-dependent ones on every scan.
      if (c.query.dependsOnTasks) this.memberOfQueries.push(c.query);
      else this.memberOfMasks.push(snapshot.memberOfMask(c.query));
    }
    this.distinct = constraints.some((c) => c.kind === 'distinctInstance');
    this.detailed = attributes !== undefined || constraints.length > 0 || requirement.ports.length > 0 || requirement.udpPorts.length > 0;
    if (snapshot.size > scratch.candidates.length) {
      scratch.candidates = new Int32Array(snapshot.size * 2);
      scratch.keys = new Float64Array(snapshot.size * 2);
    }
  }

  /**
   * The slot for the next task, or -1 when no instance can take it. The first strategy decides which
   * instances are looked at, so that most placements need not visit the whole cluster: binpack walks the
   * instances from the least free upwards and stops at the first that fit; spread on an attribute looks at
   * the values with the fewest tasks of the group first; a random pick draws instances until one fits.
   */
  choose(): number {
    const { strategies, snapshot } = this;
    const first = strategies[0];
    if (first === undefined || first.kind === 'random') return this.drawFrom([snapshot.allSlots()]);
    if (first.kind === 'binpack') return this.narrow(this.binpackWalk(first.resource));
    if (first.kind === 'spreadAttribute') {
      const column = snapshot.attributeColumn(first.attribute);
      if (column.values.length <= MAX_SPREAD_VALUES) return this.spreadByValue(column, snapshot.groupValueCounts(this.group, first.attribute));
    }
    return this.narrow(this.scan(first));
  }

  book(slot: number): void {
    this.snapshot.occupy(slot, this.requirement, this.group, 1);
    this.booked.push(slot);
  }

  undo(): void {
    for (const slot of this.booked) this.snapshot.occupy(slot, this.requirement, this.group, -1);
    this.booked.length = 0;
  }

  /** Why each instance refused the task, checked in ECS's order: agent, resources, required attributes, then constraints. */
  failures(): Failure[] {
    const { snapshot } = this;
    const failures = new FailureList();
    for (let slot = 0; slot < snapshot.size; slot++) {
      const eligibility = snapshot.eligibility[slot];
      if (eligibility === AGENT_DISCONNECTED) failures.add(snapshot.slots[slot]!.record.containerInstanceArn, 'AGENT');
      if (eligibility !== CANDIDATE) continue;
      const reason = snapshot.shortfall(slot, this.requirement) ?? (this.attributes?.[slot] === 0 ? MISSING_ATTRIBUTE : this.unsatisfiedConstraint(slot));
      if (reason) failures.add(snapshot.slots[slot]!.record.containerInstanceArn, reason);
    }
    return failures.list;
  }

  private unsatisfiedConstraint(slot: number): string | undefined {
    const instance = this.snapshot.slots[slot]!;
    for (const c of this.constraints) {
      if (c.kind === 'memberOf' && !c.query.matches(instance)) return MEMBER_OF_UNSATISFIED;
      if (c.kind === 'distinctInstance' && (this.snapshot.groupCounts(this.group)?.[slot] ?? 0) > 0) return DISTINCT_INSTANCE_UNSATISFIED;
    }
    return undefined;
  }

  /** Ranks the candidates left by the first strategy with the next ones, then picks among the last ties. */
  private narrow(n: number): number {
    const { strategies } = this;
    for (let k = 1; k < strategies.length && n > 1 && strategies[k]!.kind !== 'random'; k++) {
      this.rank(strategies[k]!, n);
      n = keepLowest(n);
    }
    if (n === 0) return -1;
    return scratch.candidates[n > 1 ? this.draw(n) : 0]!;
  }

  /** A uniform pick among the slots of `lists` that can take the task: random draws, then a scan. */
  private drawFrom(lists: Int32Array[]): number {
    let total = 0;
    for (const list of lists) total += list.length;
    if (total === 0) return -1;
    for (let t = 0; t < RANDOM_DRAWS; t++) {
      let at = this.draw(total);
      let k = 0;
      while (at >= lists[k]!.length) at -= lists[k++]!.length;
      const slot = lists[k]![at]!;
      if (this.admits(slot)) return slot;
    }
    const n = this.collect(lists);
    return n === 0 ? -1 : scratch.candidates[this.draw(n)]!;
  }

  /** Fills `candidates` with the slots of `lists` that can take the task; returns how many. */
  private collect(lists: Int32Array[]): number {
    const { candidates } = scratch;
    let n = 0;
    for (const list of lists) {
      for (let j = 0; j < list.length; j++) if (this.admits(list[j]!)) candidates[n++] = list[j]!;
    }
    return n;
  }

  /** Binpack as the first strategy: the slots with the least of the resource left among those that fit. */
  private binpackWalk(resource: 'cpu' | 'memory'): number {
    const { snapshot } = this;
    const { candidates } = scratch;
    const index = resource === 'cpu' ? snapshot.cpuIndex : snapshot.memoryIndex;
    const free = resource === 'cpu' ? snapshot.cpuFree : snapshot.memoryFree;
    const { head, next } = index;
    let lowest = Infinity;
    let n = 0;
    // Buckets below the one holding the task's own need hold no instance it fits on.
    for (let bucket = index.bucket(this.requirement[resource]); bucket < head.length && n === 0; bucket++) {
      for (let slot = head[bucket]!; slot >= 0; slot = next[slot]!) {
        if (!this.admits(slot)) continue;
        const key = free[slot]!;
        if (key > lowest) continue;
        if (key < lowest) {
          lowest = key;
          n = 0;
        }
        candidates[n++] = slot;
      }
    }
    return n;
  }

  /**
   * Spread on an attribute as the first strategy: the values with the fewest tasks of the group, in
   * order, until one has instances that can take the task.
   */
  private spreadByValue(column: AttributeColumn, counts: Float64Array): number {
    const order = Array.from(column.values.keys()).sort((a, b) => counts[a]! - counts[b]!);
    // Ties left for the random pick alone are drawn from the value's instances without a scan.
    const randomTieBreak = this.strategies.length < 2 || this.strategies[1]!.kind === 'random';
    for (let i = 0; i < order.length; ) {
      let j = i + 1;
      while (j < order.length && counts[order[j]!] === counts[order[i]!]) j++;
      const lists = order.slice(i, j).map((id) => column.slots[id]!);
      const slot = randomTieBreak ? this.drawFrom(lists) : this.narrow(this.collect(lists));
      if (slot >= 0) return slot;
      i = j;
    }
    return -1;
  }

  private admits(slot: number): boolean {
    return this.fits(slot) && (!this.detailed || this.satisfies(slot));
  }

  private fits(slot: number): boolean {
    const { snapshot, requirement } = this;
    return snapshot.eligibility[slot] === CANDIDATE && snapshot.cpuFree[slot]! >= requirement.cpu && snapshot.memoryFree[slot]! >= requirement.memory;
  }

  /** Static host ports free, the required attributes present, and every constraint satisfied. */
  private satisfies(slot: number): boolean {
    const { snapshot, memberOfMasks, memberOfQueries } = this;
    if (snapshot.portsTaken(slot, this.requirement)) return false;
    if (this.attributes?.[slot] === 0) return false;
    if (this.distinct && (snapshot.groupCounts(this.group)?.[slot] ?? 0) > 0) return false;
    for (let m = 0; m < memberOfMasks.length; m++) if (memberOfMasks[m]![slot] === 0) return false;
    for (let q = 0; q < memberOfQueries.length; q++) if (!memberOfQueries[q]!.matches(snapshot.slots[slot]!)) return false;
    return true;
  }

  /**
   * One pass over the cluster for a spread: fills `candidates` with the slots that can take the task and
   * have the fewest of the group's tasks, on them or under their attribute value. Returns how many.
   */
  private scan(strategy: Extract<Strategy, { kind: 'spreadInstance' | 'spreadAttribute' }>): number {
    const { snapshot } = this;
    const { candidates } = scratch;
    const size = snapshot.size;
    const bySlot = strategy.kind === 'spreadInstance' ? snapshot.groupCounts(this.group) : undefined;
    const spread = strategy.kind === 'spreadAttribute' ? this.spread(strategy.attribute) : undefined;
    let lowest = Infinity;
    let n = 0;
    for (let slot = 0; slot < size; slot++) {
      if (!this.admits(slot)) continue;
      const key = bySlot !== undefined ? bySlot[slot]! : spread !== undefined ? spread.counts[spread.ids[slot]!]! : 0;
      if (key > lowest) continue;
      if (key < lowest) {
        lowest = key;
        n = 0;
      }
      candidates[n++] = slot;
    }
    return n;
  }

  /** Writes each candidate's rank under a strategy into `keys`: lower is better. */
  private rank(strategy: Strategy, n: number): void {
    const { snapshot } = this;
    const { candidates, keys } = scratch;
    switch (strategy.kind) {
      case 'binpack': {
        // Least remaining first: the fullest instance that still fits.
        const free = strategy.resource === 'cpu' ? snapshot.cpuFree : snapshot.memoryFree;
        for (let j = 0; j < n; j++) keys[j] = free[candidates[j]!]!;
        return;
      }
      case 'spreadInstance': {
        const counts = snapshot.groupCounts(this.group);
        for (let j = 0; j < n; j++) keys[j] = counts ? counts[candidates[j]!]! : 0;
        return;
      }
      case 'spreadAttribute': {
        const { ids, counts } = this.spread(strategy.attribute);
        for (let j = 0; j < n; j++) keys[j] = counts[ids[candidates[j]!]!]!;
        return;
      }
      case 'random':
        return;
    }
  }

  /**
   * The group's tasks under each value of an attribute, over every instance of the cluster (ECS spreads
   * a group, not just the instances it may use now); instances without the attribute share one bucket.
   */
  private spread(attribute: string): { ids: Int32Array; counts: Float64Array } {
    return { ids: this.snapshot.attributeColumn(attribute).ids, counts: this.snapshot.groupValueCounts(this.group, attribute) };
  }

  private draw(n: number): number {
    return Math.min(n - 1, Math.floor(this.random() * n));
  }
}

/** Keeps the candidates whose key is the lowest, in order; returns how many. */
function keepLowest(n: number): number {
  const { candidates, keys } = scratch;
  let lowest = Infinity;
  for (let j = 0; j < n; j++) if (keys[j]! < lowest) lowest = keys[j]!;
  let kept = 0;
  for (let j = 0; j < n; j++) if (keys[j] === lowest) candidates[kept++] = candidates[j]!;
  return kept;
}
