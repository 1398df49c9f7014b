// What a workload would cost on AWS (a pure function of its usage records and a price table): Fargate billed
// per second from image pull to stop with a one-minute minimum (core/usage.ts), at its vCPU-hour and GB-hour
// prices by CPU architecture, FARGATE_SPOT at its spot prices, ephemeral storage beyond the included 20 GB;
// and "what if": the same tasks, at their peak together, bin-packed onto the cheapest EC2 instance type that
// holds them, billed per instance-second over the same span. EC2 instances' own runs at their type's
// on-demand price, or a Spot instance's at the table's Spot discount. Runs still going count up to now.
import type { InstanceUsageRecord } from './ec2-instances.js';
import type { UsageRecord } from './usage.js';

export interface FargatePrices {
  vcpuHour: number;
  gbHour: number;
}

export interface InstanceTypePrice {
  vcpu: number;
  memoryGiB: number;
  /** On-demand Linux price per instance-hour. */
  hour: number;
  architecture?: 'x86_64' | 'ARM64';
}

export interface PriceTable {
  region: string;
  currency: string;
  fargate: {
    x86_64: FargatePrices;
    ARM64: FargatePrices;
    spot: { x86_64: FargatePrices; ARM64: FargatePrices };
    ephemeralStorageGbHour: number;
  };
  ec2: Record<string, InstanceTypePrice>;
  /**
   * The Spot discount off the on-demand price, by instance family (`m5`) or `default`: an assumption (Spot
   * prices move hourly by zone), shipped as data and overridable with the table. Absent: Spot at on-demand.
   */
  ec2SpotDiscount?: Record<string, number>;
}

export type CostDimension = 'cluster' | 'service' | 'family' | 'launchType';

export interface CostLine {
  /** The cluster name, service name (`-` for standalone tasks), task family or launch type/provider. */
  key: string;
  tasks: number;
  vcpuHours: number;
  gbHours: number;
  cost: number;
  /** Of `tasks`, those still running: billed up to the report's time. */
  running: number;
}

export interface CostReport {
  from: Date;
  to: Date;
  currency: string;
  by: CostDimension;
  lines: CostLine[];
  total: number;
  /** The same tasks on EC2: the cheapest instance type that holds them at their peak, and what it would cost. */
  onEc2?: { instanceType: string; instances: number; hours: number; cost: number };
  /** EC2 instances' runs that ended in the range, by instance type (types the price table lacks are not priced). */
  instances?: InstanceCostLine[];
}

/** EC2 runs of one instance type and market; `running` of them still running, billed up to the report's time. */
export interface InstanceCostLine {
  instanceType: string;
  market: 'on-demand' | 'spot';
  runs: number;
  running: number;
  hours: number;
  cost: number;
}

const HOUR = 3_600_000;

/** An instance type's price per hour: on-demand, or Spot at the table's discount for its family. */
export function instanceHourPrice(prices: PriceTable, instanceType: string, spot: boolean): number | undefined {
  const hour = prices.ec2[instanceType]?.hour;
  if (hour === undefined || !spot) return hour;
  const discounts = prices.ec2SpotDiscount ?? {};
  const discount = discounts[instanceType.split('.')[0]!] ?? discounts.default ?? 0;
  return hour * (1 - discount);
}

/**
 * Whether a run counts in [from, to): it ended in the range, or (still running, priced up to the report's
 * time) it started before the range's end.
 */
const inRange = (u: { billingStartedAt: Date; billingStoppedAt: Date; running?: boolean }, range: { from: Date; to: Date }) =>
  new Date(u.billingStoppedAt) >= range.from && (new Date(u.billingStoppedAt) < range.to || (u.running === true && new Date(u.billingStartedAt) < range.to));

/** What one stopped Fargate task costs: its billed seconds at its architecture's (or spot's) prices. */
export function fargateTaskCost(usage: UsageRecord, prices: PriceTable): number {
  const arch = usage.cpuArchitecture === 'ARM64' ? 'ARM64' : 'x86_64';
  const rate = usage.capacityProviderName === 'FARGATE_SPOT' ? prices.fargate.spot[arch] : prices.fargate[arch];
  const hours = usage.billedSeconds / 3600;
  return hours * (usage.vcpu * rate.vcpuHour + usage.memoryGB * rate.gbHour + usage.extraEphemeralStorageGB * prices.fargate.ephemeralStorageGbHour);
}

const keyOf = (usage: UsageRecord, by: CostDimension): string => {
  switch (by) {
    case 'cluster':
      return usage.clusterArn.split('/').at(-1)!;
    case 'service':
      return usage.group?.startsWith('service:') ? usage.group.slice('service:'.length) : '-';
    case 'family':
      return usage.family ?? '-';
    case 'launchType':
      return usage.capacityProviderName ?? usage.launchType;
  }
};

/** The usage records of tasks that stopped in [from, to), priced and summed by `by`, with the EC2 alternative. */
export function costReport(
  usages: readonly UsageRecord[],
  prices: PriceTable,
  range: { from: Date; to: Date; by: CostDimension },
  instanceUsages: readonly InstanceUsageRecord[] = [],
): CostReport {
  const counted = usages.filter((u) => inRange(u, range));
  const lines = new Map<string, CostLine>();
  for (const u of counted) {
    const key = keyOf(u, range.by);
    const line = lines.get(key) ?? { key, tasks: 0, running: 0, vcpuHours: 0, gbHours: 0, cost: 0 };
    const hours = u.billedSeconds / 3600;
    line.tasks += 1;
    if (u.running) line.running += 1;
    line.vcpuHours += u.vcpu * hours;
    line.gbHours += u.memoryGB * hours;
    line.cost += fargateTaskCost(u, prices);
    lines.set(key, line);
  }
  const sorted = [...lines.values()].sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
  const onEc2 = cheapestEc2(counted, prices);
  const instances = instanceCosts(instanceUsages.filter((u) => inRange(u, range)), prices);
  return {
    from: range.from,
    to: range.to,
    currency: prices.currency,
    by: range.by,
    lines: sorted,
    total: sorted.reduce((n, l) => n + l.cost, 0),
    ...(onEc2 && { onEc2 }),
    ...(instances.length && { instances }),
  };
}

/** EC2 instance runs priced per instance-hour of their type and market, billed per second with a one-minute minimum. */
export function instanceCosts(runs: readonly InstanceUsageRecord[], prices: PriceTable): InstanceCostLine[] {
  const lines = new Map<string, InstanceCostLine>();
  for (const run of runs) {
    const market = run.spot ? 'spot' : 'on-demand';
    const key = `${run.instanceType} ${market}`;
    const line = lines.get(key) ?? { instanceType: run.instanceType, market, runs: 0, running: 0, hours: 0, cost: 0 };
    const hours = run.billedSeconds / 3600;
    line.runs += 1;
    if (run.running) line.running += 1;
    line.hours += hours;
    line.cost += hours * (instanceHourPrice(prices, run.instanceType, run.spot) ?? 0);
    lines.set(key, line);
  }
  return [...lines.values()].sort((a, b) => b.cost - a.cost || a.instanceType.localeCompare(b.instanceType) || a.market.localeCompare(b.market));
}

/**
 * The cheapest single instance type whose instances hold the tasks running together at their peak (first-fit
 * decreasing by vCPU and memory), billed for the workload's span (first start to last stop, at least a minute).
 */
export function cheapestEc2(usages: readonly UsageRecord[], prices: PriceTable): CostReport['onEc2'] {
  if (usages.length === 0) return undefined;
  const peak = peakTasks(usages);
  const start = Math.min(...usages.map((u) => new Date(u.billingStartedAt).getTime()));
  const stop = Math.max(...usages.map((u) => new Date(u.billingStoppedAt).getTime()));
  const hours = Math.max(60_000, stop - start) / HOUR;
  let best: CostReport['onEc2'];
  for (const [instanceType, type] of Object.entries(prices.ec2)) {
    const instances = binPack(peak, type);
    if (instances === undefined) continue;
    const cost = instances * type.hour * hours;
    if (!best || cost < best.cost) best = { instanceType, instances, hours, cost };
  }
  return best;
}

/** The tasks running together at the moment the most vCPU was reserved. */
function peakTasks(usages: readonly UsageRecord[]): UsageRecord[] {
  const edges = usages.flatMap((u) => [
    { at: new Date(u.billingStartedAt).getTime(), u, start: true },
    { at: new Date(u.billingStoppedAt).getTime(), u, start: false },
  ]);
  // Stops before starts at the same instant: a task replaced on the second is not counted twice.
  edges.sort((a, b) => a.at - b.at || Number(a.start) - Number(b.start));
  const running = new Set<UsageRecord>();
  let peak: UsageRecord[] = [];
  let peakVcpu = -1;
  for (const e of edges) {
    if (e.start) running.add(e.u);
    else running.delete(e.u);
    const vcpu = [...running].reduce((n, u) => n + u.vcpu, 0);
    if (vcpu > peakVcpu) [peak, peakVcpu] = [[...running], vcpu];
  }
  return peak;
}

/** How many instances of `type` hold the tasks (first-fit decreasing); undefined when one task is too big for it. */
function binPack(tasks: readonly UsageRecord[], type: InstanceTypePrice): number | undefined {
  const bins: { vcpu: number; memory: number }[] = [];
  for (const t of [...tasks].sort((a, b) => b.vcpu - a.vcpu || b.memoryGB - a.memoryGB)) {
    if (t.vcpu > type.vcpu || t.memoryGB > type.memoryGiB) return undefined;
    if ((t.cpuArchitecture === 'ARM64') !== (type.architecture === 'ARM64')) return undefined;
    const bin = bins.find((b) => b.vcpu >= t.vcpu && b.memory >= t.memoryGB);
    if (bin) {
      bin.vcpu -= t.vcpu;
      bin.memory -= t.memoryGB;
    } else bins.push({ vcpu: type.vcpu - t.vcpu, memory: type.memoryGiB - t.memoryGB });
  }
  return bins.length;
}
