/**
 * Counting tokens runs on the event loop (up to ~250 ms for the worst body, see
 * `budgeted-count.ts`): many counts at once would starve every other request and
 * the liveness probe. So counting may take at most `maxMsPerSecond` of each
 * second; past it a count is estimated from the body's size instead. Each
 * count is bounded too: it gets what is left of the second's budget, and stops
 * there (the rest estimated), so one count cannot pass the budget either.
 */
export class CountBudget {
  private windowStart = 0;
  private spentMs = 0;

  constructor(
    private readonly maxMsPerSecond = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Runs `exact` when the budget allows — given the milliseconds it may take —
   * else `estimate`; says which ran.
   */
  count(
    exact: (maxMs: number) => number,
    estimate: () => number,
  ): { tokens: number; exact: boolean } {
    const now = this.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.spentMs = 0;
    }
    if (this.spentMs >= this.maxMsPerSecond)
      return { tokens: estimate(), exact: false };
    const started = this.now();
    const tokens = exact(this.maxMsPerSecond - this.spentMs);
    this.spentMs += this.now() - started;
    return { tokens, exact: true };
  }
}
