/**
 * What one count may hold the event loop for, from the moment its request's
 * body is in hand (its parse included): SPEC's bound on a stall is 250 ms, and
 * the rest of the request (writing the answer, the part of a piece that runs
 * past the deadline, a scavenge) needs room too.
 */
export const COUNT_MS = 200;

/**
 * Counting tokens runs on the event loop (up to {@link COUNT_MS} for the worst
 * body, see `budgeted-count.ts`): many counts at once would starve every other
 * request and the liveness probe. So counting may take at most `maxMsPerSecond`
 * of each second; past it a count is estimated from the body's size instead.
 * Each count is bounded too: it gets what is left of the budget, at most
 * `maxMsPerCount`, and stops there (the rest estimated), so one count cannot
 * pass the budget either.
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
    private readonly maxMsPerCount = COUNT_MS,
  ) {}

  /**
   * Runs `exact` when the budget allows — given the time, on the `now` clock,
   * by which it must end — else `estimate`; says which ran. `startedAt` is when
   * the synchronous work for this count began (reading the body's JSON, say):
   * that time counts against the deadline and the budget as the count's own.
   */
  count(
    exact: (deadline: number) => number,
    estimate: () => number,
    startedAt: number = this.now(),
  ): { tokens: number; exact: boolean } {
    // Never before the last count ended: that time is charged already.
    const began = Math.max(startedAt, this.last);
    this.spentMs = Math.max(
      0,
      this.spentMs - ((began - this.last) * this.maxMsPerSecond) / 1000,
    );
    this.last = began;
    if (this.spentMs >= this.maxMsPerSecond)
      return { tokens: estimate(), exact: false };
    const left = this.maxMsPerSecond - this.spentMs;
    const tokens = exact(began + Math.min(this.maxMsPerCount, left));
    const ended = this.now();
    this.spentMs += ended - began;
    this.last = ended;
    return { tokens, exact: true };
  }
}
