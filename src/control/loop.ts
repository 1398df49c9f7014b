// Controllers own their loops: each runs until its AbortSignal fires and is awaited on shutdown.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/ports.js';

/**
 * Runs `tick` now and then every `intervalMs` until `signal` aborts; resolves once the loop has ended.
 * A failing tick is logged and retried at the next interval (level-based: the next tick sees the state anew).
 */
export async function every(intervalMs: number, signal: AbortSignal, log: Logger, tick: () => unknown): Promise<void> {
  while (!signal.aborted) {
    try {
      await tick();
    } catch (err) {
      log.error('controller tick failed', { err: (err as Error).message });
    }
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return; // aborted while waiting
    }
  }
}
