/**
 * Counting tokens runs on the event loop (up to ~250 ms for the worst body, see
 * `budgeted-count.ts`): many counts at once would starve every other request and
 * the liveness probe. So counting may take at most `maxMsPerSecond` of each
 * second; past it a count is estimated from the body's size instead. Each
 * count is bounded too: it gets what is left of the budget, and stops there
 * (the rest estimated), so one count cannot pass the budget either.
 *
 * The time spent is a debt paid back at `maxMsPerSecond` a second (a leaky
 * bucket), not a tally reset each second: on a loaded machine one count can take
 * longer than a second, and a reset would then let every count through.
 */
export class CountBudget {
  private spentMs = 0;
  private last = 0;

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
    this.spentMs = Math.max(
      0,
      this.spentMs - ((now - this.last) * this.maxMsPerSecond) / 1000,
    );
    this.last = now;
    if (this.spentMs >= this.maxMsPerSecond)
      return { tokens: estimate(), exact: false };
    const tokens = exact(this.maxMsPerSecond - this.spentMs);
    const ended = this.now();
    this.spentMs += ended - now;
    this.last = ended;
    return { tokens, exact: true };
  }
}
