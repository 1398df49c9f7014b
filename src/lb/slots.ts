// Which target sits in which server slot of its backend. A target keeps its slot for as long as it is
// registered (so its health-check history stays with it); new targets take free slots, and a backend out
// of free slots doubles its slot count (which takes a reload: the slot count is part of the configuration).
import type { DataPlaneBackend, DataPlaneTarget } from '../core/load-balancer.js';
import type { SlotTable } from './haproxy-config.js';

/** The fewest slots a backend has: room for a rolling deployment of a small service without a reload. */
export const MIN_SLOTS = 16;

export interface SlotChange {
  backendId: string;
  slot: number;
  before?: DataPlaneTarget;
  after?: DataPlaneTarget;
}

export function assignSlots(previous: SlotTable, backends: readonly DataPlaneBackend[]): SlotTable {
  const table = new Map<string, (DataPlaneTarget | undefined)[]>();
  for (const backend of backends) {
    const wanted = new Map(backend.targets.map((t) => [t.key, t]));
    let size = Math.max(MIN_SLOTS, previous.get(backend.id)?.length ?? 0);
    while (size < wanted.size) size *= 2;
    const slots: (DataPlaneTarget | undefined)[] = Array.from({ length: size }, (_, i) => {
      const held = previous.get(backend.id)?.[i];
      const target = held && wanted.get(held.key);
      if (target) wanted.delete(target.key);
      return target;
    });
    for (const target of wanted.values()) slots[slots.indexOf(undefined)] = target;
    table.set(backend.id, slots);
  }
  return table;
}

/** Slot by slot, what differs between two tables (a slot whose target changed address counts as changed). */
export function slotChanges(before: SlotTable, after: SlotTable): SlotChange[] {
  const changes: SlotChange[] = [];
  for (const [backendId, slots] of after) {
    const old = before.get(backendId) ?? [];
    slots.forEach((target, slot) => {
      const was = old[slot];
      if (!sameTarget(was, target)) changes.push({ backendId, slot, before: was, after: target });
    });
  }
  return changes;
}

const sameTarget = (a: DataPlaneTarget | undefined, b: DataPlaneTarget | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.key === b.key && a.address === b.address && a.port === b.port && a.draining === b.draining);

/** The slots of `table` whose target `other` has in the same slot, the same place; the rest free. */
export function commonSlots(table: SlotTable, other: SlotTable): SlotTable {
  return new Map(
    [...table].map(([id, slots]) => [
      id,
      slots.map((t, i) => {
        const o = other.get(id)?.[i];
        return t && o && t.key === o.key && t.address === o.address && t.port === o.port ? o : undefined;
      }),
    ]),
  );
}

/** The same slot counts, every slot free: what the configuration's structure depends on. */
export const emptySlots = (table: SlotTable): SlotTable => new Map([...table].map(([id, slots]) => [id, slots.map(() => undefined)]));
