// How a capacity provider strategy splits tasks between its providers, as ECS does: the one provider with a
// base gets the first `base` tasks, then every task beyond goes by weight (a provider of weight 0 gets none
// unless it is the strategy's only one). A service's tasks already running count toward the split, so a
// service scaled one task at a time converges on the same shares as one launched all at once.
import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';

/**
 * How many of `count` new tasks go to each provider (in the strategy's order), given how many tasks each
 * already runs. Deterministic: remainders go to the heaviest weights, then to the earlier items.
 */
export function splitByStrategy(
  strategy: readonly CapacityProviderStrategyItem[],
  count: number,
  running: ReadonlyMap<string, number> = new Map(),
): Map<string, number> {
  const items = strategy.map((s) => ({ name: s.capacityProvider!, base: s.base ?? 0, weight: s.weight ?? 0 }));
  const total = count + items.reduce((n, i) => n + (running.get(i.name) ?? 0), 0);
  const target = new Map(items.map((i) => [i.name, 0]));
  let left = total;
  for (const i of items) {
    const base = Math.min(i.base, left);
    target.set(i.name, base);
    left -= base;
  }
  // With no weight anywhere, the lone provider takes everything (several all at 0 are refused beforehand).
  const positive = items.filter((i) => i.weight > 0);
  const weighted = positive.length > 0 ? positive : items.slice(0, 1).map((i) => ({ ...i, weight: 1 }));
  const weights = weighted.reduce((n, i) => n + i.weight, 0);
  const shares = weighted.map((i) => ({ name: i.name, exact: (left * i.weight) / weights, weight: i.weight }));
  let given = 0;
  for (const s of shares) {
    const whole = Math.floor(s.exact);
    target.set(s.name, target.get(s.name)! + whole);
    given += whole;
  }
  const fraction = (x: number) => x - Math.floor(x);
  const byRemainder = [...shares].sort((a, b) => fraction(b.exact) - fraction(a.exact) || b.weight - a.weight);
  for (let k = 0; given < left; k++, given++) {
    const name = byRemainder[k % byRemainder.length]!.name;
    target.set(name, target.get(name)! + 1);
  }

  // New tasks fill each provider's shortfall; a provider already over its share gets none.
  const split = new Map(items.map((i) => [i.name, Math.max(0, target.get(i.name)! - (running.get(i.name) ?? 0))]));
  let surplus = [...split.values()].reduce((a, b) => a + b, 0) - count;
  for (const i of [...items].reverse()) {
    if (surplus <= 0) break;
    const take = Math.min(surplus, split.get(i.name)!);
    split.set(i.name, split.get(i.name)! - take);
    surplus -= take;
  }
  return split;
}
