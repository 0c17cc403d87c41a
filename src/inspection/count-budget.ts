/**
 * Counting tokens runs on the event loop (up to ~250 ms for the worst body, see
 * `budgeted-count.ts`): many counts at once would starve every other request and
 * the liveness probe. So counting may take at most `maxMsPerSecond` of each
 * second; past it a count is estimated from the body's size instead.
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

  /** Runs `exact` when the budget allows, else `estimate`; says which ran. */
  count(
    exact: () => number,
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
    const tokens = exact();
    const ended = this.now();
    this.spentMs += ended - now;
    this.last = ended;
    return { tokens, exact: true };
  }
}
