// A clock for tests that moves only when told: `advance` wakes, in time order, every sleeper whose time has
// come, so a test drives debounces, resyncs and requeues exactly instead of waiting for them.
import type { Timer } from '../core/ports.js';

interface Sleeper {
  at: number;
  wake: () => void;
}

export class ManualClock implements Timer {
  private sleepers: Sleeper[] = [];

  constructor(private ms: number) {}

  now(): Date {
    return new Date(this.ms);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        at: this.ms + ms,
        wake: () => {
          signal?.removeEventListener('abort', sleeper.wake);
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
      // A sleep of no time at all is over at once.
      if (ms <= 0) sleeper.wake();
    });
  }

  /** Moves the clock forward, waking whoever's sleep ends by then. */
  advance(ms: number): void {
    this.ms += ms;
    const due = this.sleepers.filter((s) => s.at <= this.ms).sort((a, b) => a.at - b.at);
    for (const sleeper of due) sleeper.wake();
  }
}
