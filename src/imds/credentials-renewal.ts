// The instance profile's credentials as an instance's metadata service serves them: EC2 makes new ones
// available before the current ones expire (at least five minutes before, or halfway through a shorter
// session), so what runs on the instance never reads an expired session.
import type { InstanceJoinDocument } from '../core/instance-join.js';
import type { Logger } from '../core/ports.js';

/** How long before expiry EC2 has the next credentials ready. */
export const RENEW_BEFORE_MS = 5 * 60_000;
/** A failed renewal is tried again this much later. */
const RETRY_MS = 30_000;

/** When to renew credentials expiring at `expiration`: five minutes before, halfway for a short session, at least 1 s on. */
export function renewalDelayMs(expiration: string, now: number): number {
  const left = new Date(expiration).getTime() - now;
  return Math.max(1_000, left > 2 * RENEW_BEFORE_MS ? left - RENEW_BEFORE_MS : left / 2);
}

/** An instance's current credentials, renewed on time until closed. */
export class RenewingCredentials {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private credentials: InstanceJoinDocument,
    private readonly renew: () => Promise<InstanceJoinDocument | undefined>,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {
    this.schedule(renewalDelayMs(credentials.Expiration, now()));
  }

  current(): InstanceJoinDocument {
    return this.credentials;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.renewNow(), delayMs);
    this.timer.unref();
  }

  private async renewNow(): Promise<void> {
    try {
      const next = await this.renew();
      if (!next) return; // the instance is gone or lost its profile: nothing more to serve
      this.credentials = next;
      this.schedule(renewalDelayMs(next.Expiration, this.now()));
    } catch (err) {
      this.log.warn('instance credentials renewal failed', { instanceId: this.credentials.InstanceId, error: err instanceof Error ? err.message : String(err) });
      this.schedule(RETRY_MS);
    }
  }
}
