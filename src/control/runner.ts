// The one way a controller runs, as controller-runtime runs reconcilers. Keys (a service ARN, a task ARN, or
// one name for a controller that converges everything at once) are marked dirty by committed changes, by a
// resync timer and by requeues; the runner reconciles each dirty key, one at a time (or several at once,
// when told), until none is left. Level-based: a key names what to converge, never what happened, and
// reconciling it reads the state anew, so triggers that come close together coalesce into one reconcile,
// and a reconcile that fails is logged and tried again later. Time comes from the clock port: a test drives
// the runner by moving a manual clock.
import type { Logger, Timer } from '../core/ports.js';
import type { Change, State } from './state.js';

/** What a reconcile may answer: when to look at its key again even if nothing changes. */
export interface Reconciled {
  requeueAfterMs?: number;
}

export type Reconcile<K> = (key: K) => Promise<Reconciled | void> | Reconciled | void;

export interface RunnerOptions<K> {
  /** Names the controller in logs. */
  name: string;
  /** The keys a commit concerns; none when the controller does not watch the state. */
  triggers?: (changes: Change[]) => Iterable<K>;
  /** Hear every region's commits, not only those of the context's region (what serves all regions at once). */
  everyRegion?: boolean;
  /** How long triggers gather before they are reconciled (0: as soon as their commit's listeners are done). */
  debounceMs?: number;
  /** The keys reconciled at start, and again every `everyMs` whatever happens. */
  resync?: { everyMs: number; keys: () => Iterable<K> };
  /** A key whose reconcile failed is tried again after this long. */
  retryMs: number;
  /**
   * While triggers keep coming, the share of the time reconciles may take (the runner pauses between batches
   * for the rest), so that what triggers them (agents reporting thousands of tasks) still goes through.
   */
  busyShare?: number;
  /**
   * How many dirty keys are reconciled at once (default 1). Reconciles that each run one mutation then share
   * group commits, so a burst of keys (a thousand services created) is not one commit per key.
   */
  concurrency?: number;
}

export type RunnerContext = { state: State; clock: Timer; log: Logger };

export class ControllerRunner<K> {
  private readonly dirty = new Set<K>();
  private readonly requeues = new Map<K, { at: number; cancel: AbortController }>();
  /** Wakes the worker when it waits for a trigger. */
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly reconcile: Reconcile<K>,
    private readonly options: RunnerOptions<K>,
  ) {}

  /** Marks a key for reconciling. */
  trigger(key: K): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.wake?.();
  }

  /** Reconciles until `signal` aborts; resolves once the reconcile under way then has ended. */
  async run(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const { triggers } = this.options;
    const unsubscribe = triggers && this.ctx.state.subscribe((changes) => {
      for (const key of triggers(changes)) this.trigger(key);
    }, { everyRegion: this.options.everyRegion });
    const stop = () => {
      this.stopped = true;
      unsubscribe?.();
      for (const { cancel } of this.requeues.values()) cancel.abort();
      this.requeues.clear();
      this.wake?.();
    };
    signal.addEventListener('abort', stop, { once: true });
    await Promise.all([this.work(signal), this.resync(signal)]);
  }

  private async work(signal: AbortSignal): Promise<void> {
    const { clock } = this.ctx;
    const { debounceMs = 0, busyShare = 1, concurrency = 1 } = this.options;
    let pause = debounceMs;
    while (!signal.aborted) {
      if (this.dirty.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        pause = debounceMs;
        continue;
      }
      if (pause > 0) await clock.sleep(pause, signal);
      const started = clock.now().getTime();
      const batch = [...this.dirty];
      this.dirty.clear();
      for (let at = 0; at < batch.length; at += concurrency) {
        if (signal.aborted) return;
        await Promise.all(batch.slice(at, at + concurrency).map((key) => this.reconcileKey(key)));
      }
      const spent = clock.now().getTime() - started;
      pause = Math.max(debounceMs, (spent * (1 - busyShare)) / busyShare);
    }
  }

  private async reconcileKey(key: K): Promise<void> {
    try {
      const requeueAfterMs = (await this.reconcile(key))?.requeueAfterMs;
      if (requeueAfterMs !== undefined) this.requeue(key, requeueAfterMs);
    } catch (err) {
      this.ctx.log.error('reconcile failed', { controller: this.options.name, key: String(key), err: (err as Error).message });
      this.requeue(key, this.options.retryMs);
    }
  }

  /** Reconciles the key again after `afterMs`; of two requeues of one key, the earlier holds. */
  private requeue(key: K, afterMs: number): void {
    if (this.stopped) return;
    const at = this.ctx.clock.now().getTime() + afterMs;
    const pending = this.requeues.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel.abort();
    const cancel = new AbortController();
    this.requeues.set(key, { at, cancel });
    void this.ctx.clock.sleep(afterMs, cancel.signal).then(() => {
      if (cancel.signal.aborted) return;
      this.requeues.delete(key);
      this.trigger(key);
    });
  }

  private async resync(signal: AbortSignal): Promise<void> {
    const { resync } = this.options;
    if (!resync) return;
    while (!signal.aborted) {
      for (const key of resync.keys()) this.trigger(key);
      await this.ctx.clock.sleep(resync.everyMs, signal);
    }
  }
}

/**
 * Runs `tick` now and then every `intervalMs` until `signal` aborts; resolves once the loop has ended. A
 * failing tick is logged and tried again at the next interval (the next tick sees the state anew).
 */
export function every(ctx: RunnerContext, name: string, intervalMs: number, signal: AbortSignal, tick: () => unknown): Promise<void> {
  const runner = new ControllerRunner<typeof name>(ctx, async () => void (await tick()), {
    name,
    retryMs: intervalMs,
    resync: { everyMs: intervalMs, keys: () => [name] },
  });
  return runner.run(signal);
}
