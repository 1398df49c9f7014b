// Regions, as on AWS: every call acts in the region of its credential scope (CallContext.region), and a
// region's operations see its state alone. `inRegion` gives the context of a region (its view of the state,
// its partition for ARNs); `Regions` creates what must exist in a region on its first use (the default VPC,
// ECS's `default` cluster) and runs the controllers of every region that has state.
import type { CallContext } from '../core/caller.js';
import type { ControlContext } from './context.js';

/** Per base context, its regions' contexts; per region's context, its base. */
const regional = new WeakMap<ControlContext, Map<string, ControlContext>>();
const bases = new WeakMap<ControlContext, ControlContext>();

/** The context of operations in `region`: the same ports, the region's state and partition. */
export function inRegion(ctx: ControlContext, region: string): ControlContext {
  if (ctx.partition.region === region) return ctx;
  const base = bases.get(ctx) ?? ctx;
  if (base.partition.region === region) return base;
  let byRegion = regional.get(base);
  if (!byRegion) regional.set(base, (byRegion = new Map()));
  let found = byRegion.get(region);
  if (!found) {
    // Inherits from the base rather than copying it: members the composition root sets once the gateway
    // listens (endpoint, loadBalancers) are then the same in every region.
    found = Object.create(base, {
      state: { value: base.state.inRegion(region), enumerable: true },
      partition: { value: { region, accountId: base.partition.accountId }, enumerable: true },
    }) as ControlContext;
    byRegion.set(region, found);
    bases.set(found, base);
  }
  return found;
}

/** What must exist in a region before its first call is served, made as `call` (Wharf's own, as root). */
export type EnsureDefaults = (ctx: ControlContext, call: CallContext) => Promise<void>;

export class Regions {
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(
    /** The default region's context (`--region`). */
    readonly base: ControlContext,
    private readonly ensureDefaults: EnsureDefaults = async () => {},
    /** Wharf's own calls (as root), in the default region. */
    private readonly internalCall: CallContext = { requestId: 'internal', region: base.partition.region, caller: { accessKeyId: '', accountId: base.partition.accountId, arn: `arn:aws:iam::${base.partition.accountId}:root` } },
  ) {}

  context(region: string): ControlContext {
    return inRegion(this.base, region);
  }

  /** The region's context, once its defaults exist (made on the region's first use, as AWS has them there from the start). */
  async ready(region: string): Promise<ControlContext> {
    let ensuring = this.ensured.get(region);
    if (!ensuring) {
      ensuring = this.ensureDefaults(this.context(region), { ...this.internalCall, region });
      this.ensured.set(region, ensuring);
      // A failure is not kept: the next call tries again.
      ensuring.catch(() => this.ensured.delete(region));
    }
    await ensuring;
    return this.context(region);
  }

  /** After a reset every region starts anew: its defaults are made again on its next use. */
  forget(): void {
    this.ensured.clear();
  }

  /**
   * Runs `start` (a region's controllers) for the default region and every region that has state, now and
   * as regions get their first record, until `signal` aborts; resolves once every loop started has ended.
   */
  async run(signal: AbortSignal, start: (ctx: ControlContext, signal: AbortSignal) => Promise<void>[]): Promise<void> {
    if (signal.aborted) return;
    const loops: Promise<void>[] = [];
    const running = new Set<string>();
    const begin = (region: string) => {
      if (running.has(region) || signal.aborted) return;
      running.add(region);
      loops.push(...start(this.context(region), signal));
    };
    const unsubscribe = this.base.state.onNewRegion(begin);
    for (const region of [this.base.partition.region, ...this.base.state.regions()]) begin(region);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    unsubscribe();
    await Promise.all(loops);
  }
}
