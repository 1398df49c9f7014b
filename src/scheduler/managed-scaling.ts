// ECS managed scaling of an Auto Scaling group capacity provider, as ECS decides it ("Deep Dive on Amazon
// ECS Cluster Auto Scaling"): the CapacityProviderReservation metric is M / N x 100, N the instances in the
// group, M the instances needed to run the provider's tasks (those running tasks, plus what its PROVISIONING
// tasks would fill when bin-packed onto new instances); target tracking sets the group's desired capacity to
// what brings the metric to the target, a scale-out being at least minimumScalingStepSize and at most
// maximumScalingStepSize instances at a time. A scale-in only ever removes instances that run no task.

/** CPU units and MiB: of an instance type, or what a task needs. */
export interface Size {
  cpu: number;
  memory: number;
}

/** M / N x 100; with no instance, 100 when nothing is needed and 200 when something is (ECS's values). */
export function capacityProviderReservation(needed: number, instances: number): number {
  if (instances === 0) return needed === 0 ? 100 : 200;
  return (needed / instances) * 100;
}

/**
 * How many new instances of `instance` size the waiting tasks fill, first fit in decreasing size (ECS bin
 * packs each group of identical tasks; a task larger than an instance still takes one, as ECS counts it).
 */
export function instancesForTasks(tasks: readonly Size[], instance: Size): number {
  const bins: Size[] = [];
  const sorted = [...tasks].sort((a, b) => b.cpu / instance.cpu + b.memory / instance.memory - (a.cpu / instance.cpu + a.memory / instance.memory));
  for (const t of sorted) {
    const bin = bins.find((b) => b.cpu + t.cpu <= instance.cpu && b.memory + t.memory <= instance.memory);
    if (bin) {
      bin.cpu += t.cpu;
      bin.memory += t.memory;
    } else bins.push({ cpu: t.cpu, memory: t.memory });
  }
  return bins.length;
}

export interface ScalingSettings {
  targetCapacity: number;
  minimumScalingStepSize: number;
  maximumScalingStepSize: number;
}

/**
 * The desired capacity target tracking asks for: ceil(M x 100 / target). Out: at least the minimum step, at
 * most the maximum, counted from the `warmed` instances (past instanceWarmupPeriod; default all of `current`):
 * instances still warming up are not counted, so a scale-out waits for them rather than stepping again, and
 * never goes below `current`. In: straight to it (ECS's steps bound scale-out only). Within the group's min
 * and max.
 */
export function desiredCapacity(
  { needed, current, warmed = current }: { needed: number; current: number; warmed?: number },
  settings: ScalingSettings,
  bounds: { min: number; max: number },
): number {
  const target = Math.ceil((needed * 100) / settings.targetCapacity);
  let desired = target;
  if (target > current) {
    const base = Math.min(warmed, current);
    desired = Math.max(current, base + Math.min(settings.maximumScalingStepSize, Math.max(settings.minimumScalingStepSize, target - base)));
  }
  return Math.max(bounds.min, Math.min(bounds.max, desired));
}
