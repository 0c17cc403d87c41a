import type { PeriodWindow } from './usage-period';

/** The counters kept per key, period and model. */
export interface Counters {
  requests: number;
  premiumRequests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  nanoAiu: number;
  /** Answers served from the response cache: counted apart, no tokens, no quota. */
  cacheHits: number;
}

export const COUNTER_NAMES: ReadonlyArray<keyof Counters> = [
  'requests',
  'premiumRequests',
  'promptTokens',
  'cachedTokens',
  'completionTokens',
  'nanoAiu',
  'cacheHits',
];

export const zeroCounters = (): Counters => ({
  requests: 0,
  premiumRequests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  nanoAiu: 0,
  cacheHits: 0,
});

export function addCounters(into: Counters, from: Counters): Counters {
  for (const name of COUNTER_NAMES) into[name] += from[name];
  return into;
}

/** Per model, for one key in one period. */
export type UsageByModel = Record<string, Counters>;

/**
 * Where usage is counted: in memory (one replica) or in Redis (every replica
 * shares the counters). Counters expire with their period.
 */
export abstract class UsageStore {
  /** Adds to the counters of `key` and `model` in each window. */
  abstract add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
  ): Promise<void>;
  /** Everything `key` used in the window, per model. */
  abstract read(key: string, window: PeriodWindow): Promise<UsageByModel>;
  async close(): Promise<void> {}
}

/** Counters in this process: what a single replica needs. */
export class MemoryUsageStore extends UsageStore {
  /** `period:key:clientKey` → model → counters. */
  private readonly windows = new Map<
    string,
    { resetsAt: number; models: UsageByModel }
  >();

  add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
  ): Promise<void> {
    for (const window of windows) {
      const id = `${window.period}:${window.key}:${key}`;
      let entry = this.windows.get(id);
      if (!entry) {
        this.sweep(window.start);
        // No prototype: model names come from clients and answers (`__proto__`).
        entry = {
          resetsAt: window.resetsAt,
          models: Object.create(null) as UsageByModel,
        };
        this.windows.set(id, entry);
      }
      addCounters((entry.models[model] ??= zeroCounters()), delta);
    }
    return Promise.resolve();
  }

  read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    const entry = this.windows.get(`${window.period}:${window.key}:${key}`);
    const copy = Object.create(null) as UsageByModel;
    for (const [model, counters] of Object.entries(entry?.models ?? {})) {
      copy[model] = { ...counters };
    }
    return Promise.resolve(copy);
  }

  /** Ended periods are forgotten when a new window opens. */
  private sweep(now: number): void {
    for (const [id, entry] of this.windows) {
      if (entry.resetsAt <= now) this.windows.delete(id);
    }
  }
}
