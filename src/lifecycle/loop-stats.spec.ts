import { startLoopStats } from './loop-stats';

describe('startLoopStats', () => {
  it('reports the event-loop delay and the GC pauses seen while it ran', async () => {
    const stop = startLoopStats();
    // Enough short-lived garbage for at least one scavenge.
    let keep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) keep.push({ i, s: `x${i}` });
    keep = [];
    // Node records a GC pause in an immediate after the collection.
    await new Promise(setImmediate);
    await new Promise(setImmediate);
    const line = stop();
    expect(keep).toHaveLength(0);
    expect(line).toMatch(
      /^loop stats over [\d.]+ s: event-loop delay p50 [\d.]+ p99 [\d.]+ p99\.9 [\d.]+ max [\d.]+ ms; gc /,
    );
    expect(line).not.toMatch(/gc none$/);
  });
});
