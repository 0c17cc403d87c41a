import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type PerformanceEntry,
} from 'node:perf_hooks';

/** GC kinds as Node names them in a `gc` performance entry's `detail.kind`. */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** How often the event loop is sampled. */
const RESOLUTION_MS = 10;

interface GcTally {
  count: number;
  totalMs: number;
  maxMs: number;
}

/** A stop function that returns the report line. */
export type LoopStatsStop = () => string;

/**
 * Event-loop delay (a 10 ms-resolution histogram) and garbage-collection pauses
 * by kind, from start until `stop`: what stalls the process's tail under the
 * bench (`BENCH_LOOP_STATS=1`, see docs/performance.md). Off by default; when
 * off nothing is observed.
 */
export function startLoopStats(): LoopStatsStop {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const gc = new Map<string, GcTally>();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) countGc(gc, entry);
  });
  observer.observe({ entryTypes: ['gc'] });
  const startedAt = performance.now();
  return () => {
    delay.disable();
    for (const entry of observer.takeRecords()) countGc(gc, entry);
    observer.disconnect();
    // Node's figures are the intervals between samples: the delay is what passes the resolution.
    const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1);
    const pauses = [...gc]
      .map(
        ([kind, t]) =>
          `${kind} ${t.count}× total ${t.totalMs.toFixed(1)} ms max ${t.maxMs.toFixed(1)} ms`,
      )
      .join(', ');
    return (
      `loop stats over ${((performance.now() - startedAt) / 1000).toFixed(1)} s: ` +
      `event-loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} ` +
      `p99.9 ${ms(delay.percentile(99.9))} max ${ms(delay.max)} ms; ` +
      `gc ${pauses || 'none'}`
    );
  };
}

function countGc(gc: Map<string, GcTally>, entry: PerformanceEntry): void {
  const detail = (entry as { detail?: { kind?: number } }).detail;
  const kind = GC_KINDS[detail?.kind ?? -1] ?? 'other';
  let tally = gc.get(kind);
  if (!tally) gc.set(kind, (tally = { count: 0, totalMs: 0, maxMs: 0 }));
  tally.count++;
  tally.totalMs += entry.duration;
  if (entry.duration > tally.maxMs) tally.maxMs = entry.duration;
}

/**
 * Starts the loop stats when `BENCH_LOOP_STATS=1`, writing the report to stderr
 * on `SIGUSR2` (then starting a new window: one per bench phase) and when the
 * process exits.
 */
export function loopStatsFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (env.BENCH_LOOP_STATS !== '1') return;
  let stop = startLoopStats();
  process.on('SIGUSR2', () => {
    process.stderr.write(`${stop()}\n`);
    stop = startLoopStats();
  });
  process.once('exit', () => process.stderr.write(`${stop()}\n`));
}
