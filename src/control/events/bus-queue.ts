// A region's events on their way from the bus to its rules. Events are not records (a bus keeps nothing on
// AWS either): they wait here, in memory, until the region's delivery controller takes them. The queue is
// bounded so that a region nobody delivers for cannot grow without limit; the oldest give way and are
// counted, as AWS drops events it cannot deliver after its retry window.
import type { BusEvent } from '../../core/events.js';
import type { ControlContext } from '../context.js';
import type { State } from '../state.js';

export const BUS_QUEUE_CAPACITY = 100_000;

export class BusQueue {
  private items: BusEvent[] = [];
  private waiter: (() => void) | undefined;
  /** Events given way to the newest while the queue was full. */
  dropped = 0;

  constructor(readonly capacity = BUS_QUEUE_CAPACITY) {}

  put(item: BusEvent): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
    const wake = this.waiter;
    this.waiter = undefined;
    wake?.();
  }

  /** Every event waiting, oldest first; the queue is then empty. */
  take(): BusEvent[] {
    const taken = this.items;
    this.items = [];
    return taken;
  }

  /** Resolves once an event is waiting (at once if one is), or when `signal` aborts. */
  ready(signal: AbortSignal): Promise<void> {
    if (this.items.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiter = undefined;
        resolve();
      };
      this.waiter = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** One queue per region: a region's context has its own view of the state, which names the region. */
const queues = new WeakMap<State, BusQueue>();

export function busQueue(ctx: Pick<ControlContext, 'state'>): BusQueue {
  let queue = queues.get(ctx.state);
  if (!queue) queues.set(ctx.state, (queue = new BusQueue()));
  return queue;
}
