// ECS_ENABLE_SPOT_INSTANCE_DRAINING, as ECS's agent does it: on a Spot instance the agent watches its
// metadata service for EC2's interruption notice (spot/instance-action) and, once it comes, sets its own
// container instance DRAINING, so ECS places nothing more there and services replace their tasks before
// EC2 terminates the instance two minutes later.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/ports.js';

/** How often the notice is looked for. */
export const SPOT_NOTICE_POLL_MS = 5_000;

export interface SpotDrainingOptions {
  /** Whether EC2 has given the notice (the metadata service answers spot/instance-action). */
  noticed(): Promise<boolean>;
  /** Sets this agent's container instance DRAINING. */
  drain(): Promise<void>;
  intervalMs?: number;
  signal: AbortSignal;
  log: Logger;
}

/** Polls for the notice until it comes, then drains once (retrying a failed call); ends with the signal. */
export async function drainOnSpotNotice(options: SpotDrainingOptions): Promise<void> {
  const { signal, log } = options;
  let noticed = false;
  while (!signal.aborted) {
    try {
      noticed ||= await options.noticed();
      if (noticed) {
        await options.drain();
        log.info('spot interruption notice: container instance set to DRAINING');
        return;
      }
    } catch (err) {
      log.warn('spot interruption check failed', { error: err instanceof Error ? err.message : String(err) });
    }
    // Ends at once when the signal aborted meanwhile (an abort listener added now would never fire).
    await sleep(options.intervalMs ?? SPOT_NOTICE_POLL_MS, undefined, { signal }).catch(() => undefined);
  }
}
