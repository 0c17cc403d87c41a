/**
 * Counts refused key attempts per client address in fixed windows, so keys cannot
 * be guessed at line speed: past `limit` failures in a window, the address is
 * answered 429 without its key being looked at. In memory, per replica.
 */
export class FailedKeyLimiter {
  private readonly windows = new Map<
    string,
    { count: number; resetAt: number }
  >();
  private sweepAt = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address may try again, or 0 when it may now. */
  blockedFor(address: string): number {
    const window = this.windows.get(address);
    const now = this.now();
    if (!window || now >= window.resetAt || window.count < this.limit) return 0;
    return Math.ceil((window.resetAt - now) / 1000);
  }

  recordFailure(address: string): void {
    const now = this.now();
    this.sweep(now);
    const window = this.windows.get(address);
    if (!window || now >= window.resetAt) {
      this.windows.set(address, { count: 1, resetAt: now + this.windowMs });
    } else {
      window.count++;
    }
  }

  /** Forgets ended windows now and then, so the map holds live addresses only. */
  private sweep(now: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + this.windowMs;
    for (const [address, window] of this.windows) {
      if (now >= window.resetAt) this.windows.delete(address);
    }
  }
}
