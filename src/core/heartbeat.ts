// Liveness of the agent channel as ECS judges it: a peer is gone once it has missed a number of heartbeat
// windows in a row, not once a span of wall-clock time has passed since it was last heard. A window ends
// when the judge looks (its own timer, a window apart), and only once it has lasted half a window (ticks
// bunched after a stall end one): when the judge's event loop runs late its windows get longer, never more
// numerous, so the judge's own lag never counts as the peer's silence (a control plane busy placing ten
// thousand tasks, or a loaded host's agent, would otherwise find every peer silent at once when it next
// looks, and drop live ones together).

export class HeartbeatWindows {
  private heardNow = true;
  private missed = 0;
  private windowStart: number;

  /**
   * `windowMs`: the period of the judge's looks; `limit`: the windows missed in a row that make the peer
   * gone. A new connection counts as heard; `now` is the judge's clock (epoch ms).
   */
  constructor(
    private readonly windowMs: number,
    private readonly limit: number,
    now: number,
  ) {
    this.windowStart = now;
  }

  /** The peer was heard (any frame: a message, a ping, a pong). */
  heard(): void {
    this.heardNow = true;
  }

  /** The judge looks at `now`: ends the window unless it began less than half a window ago; true once the peer is gone. */
  look(now: number): boolean {
    if (now - this.windowStart >= this.windowMs / 2) {
      this.missed = this.heardNow ? 0 : this.missed + 1;
      this.heardNow = false;
      this.windowStart = now;
    }
    return this.missed >= this.limit;
  }

  /** Windows missed in a row so far. */
  get silentWindows(): number {
    return this.missed;
  }
}
