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

/** What a quota measures: premium requests, tokens (prompt + completion), nano-AIU. */
export interface Amounts {
  premiumRequests: number;
  tokens: number;
  nanoAiu: number;
}

export const AMOUNT_NAMES: ReadonlyArray<keyof Amounts> = [
  'premiumRequests',
  'tokens',
  'nanoAiu',
];

export const zeroAmounts = (): Amounts => ({
  premiumRequests: 0,
  tokens: 0,
  nanoAiu: 0,
});

/** The amounts of counters. */
export function amountsOf(counters: Counters): Amounts {
  return {
    premiumRequests: counters.premiumRequests,
    tokens: counters.promptTokens + counters.completionTokens,
    nanoAiu: counters.nanoAiu,
  };
}

/** A key's budgets in one period; an absent kind is not limited. */
export type Limits = Partial<Amounts>;

/**
 * The admission rule, the same in every store: a premium request is admitted only
 * when its cost fits in what is left (a ×10 call is refused with 5 left; a free
 * call always fits). Tokens, whose cost is known only afterwards, are admitted
 * while the budget is not used up. Credits too, but with other calls in flight a
 * call is admitted only when its own estimate fits beside theirs, so parallel
 * calls cannot all pass one remaining budget (alone, a call may always try while
 * the budget is not used up). What is in flight counts as used.
 */
export function refusedKind(
  used: Amounts,
  reserved: Amounts,
  cost: Amounts,
  limits: Limits,
): keyof Amounts | undefined {
  const premium = limits.premiumRequests;
  if (
    premium !== undefined &&
    cost.premiumRequests > 0 &&
    used.premiumRequests + reserved.premiumRequests + cost.premiumRequests >
      premium + 1e-9
  )
    return 'premiumRequests';
  const tokens = limits.tokens;
  if (tokens !== undefined && used.tokens + reserved.tokens >= tokens)
    return 'tokens';
  const nano = limits.nanoAiu;
  if (
    nano !== undefined &&
    (used.nanoAiu + reserved.nanoAiu >= nano ||
      (reserved.nanoAiu > 0 &&
        used.nanoAiu + reserved.nanoAiu + cost.nanoAiu > nano + 1e-9))
  )
    return 'nanoAiu';
  return undefined;
}

export interface Admission {
  /** The kind that refused the request, if one did. */
  refused?: keyof Amounts;
  /** Used in the window, before this request. */
  used: Amounts;
  /** In flight in the window (other requests' reservations), before this one. */
  reserved: Amounts;
  /** The reservation was held in this process (Redis was away). */
  local?: boolean;
}

/** A request's reservation, settled when its answer ends. */
export interface Reservation {
  /** Which request holds it (each reservation is its own entry, given back once). */
  id: string;
  key: string;
  window: PeriodWindow;
  amounts: Amounts;
  /** Held in this process (Redis was away at admission). */
  local?: boolean;
}

/**
 * Where usage is counted: in memory (one replica) or in Redis (every replica
 * shares the counters). Month windows expire with their period; day windows are
 * kept `historyDays` for `/usage/history`.
 */
export abstract class UsageStore {
  /**
   * Adds to the counters of `key` and `model` in each window, and gives back
   * `release` (the reservation the request held), in one step.
   */
  abstract add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
    release?: Reservation,
  ): Promise<void>;
  /** Everything `key` used in the window, per model. */
  abstract read(key: string, window: PeriodWindow): Promise<UsageByModel>;
  /** `read` for each of `windows` (day windows for the history). */
  abstract readMany(
    key: string,
    windows: readonly PeriodWindow[],
  ): Promise<UsageByModel[]>;
  /**
   * Checks `cost` against `limits` with what is used and in flight, and — when
   * admitted and given a reservation id — holds it as in flight under that id,
   * atomically, so parallel requests cannot all pass one remaining budget.
   */
  abstract admit(
    key: string,
    window: PeriodWindow,
    cost: Amounts,
    limits: Limits,
    reserve?: string,
  ): Promise<Admission>;
  /** Gives back a reservation whose request is not charged. */
  abstract release(reservation: Reservation): Promise<void>;
  async close(): Promise<void> {}
}

/** How long a window is kept after its end: day windows make the history. */
export function keepUntil(window: PeriodWindow, historyDays: number): number {
  return window.period === 'day'
    ? window.resetsAt + historyDays * 86_400_000
    : window.resetsAt;
}

/** One key's counters in one window. */
export interface WindowEntry {
  key: string;
  window: PeriodWindow;
  keepUntil: number;
  models: UsageByModel;
}

/** Counters in this process: what a single replica needs. */
export class MemoryUsageStore extends UsageStore {
  /** `period:window:clientKey` → model → counters. */
  private readonly windows = new Map<string, WindowEntry>();
  /** Window → reservation id → amounts in flight. */
  private readonly reserved = new Map<string, Map<string, Amounts>>();
  private sweepAt = 0;

  constructor(
    private readonly historyDays = 90,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
    release?: Reservation,
  ): Promise<void> {
    this.sweep();
    for (const window of windows) {
      const id = windowId(key, window);
      let entry = this.windows.get(id);
      if (!entry) {
        // No prototype: model names come from clients and answers (`__proto__`).
        entry = {
          key,
          window,
          keepUntil: keepUntil(window, this.historyDays),
          models: Object.create(null) as UsageByModel,
        };
        this.windows.set(id, entry);
      }
      addCounters((entry.models[model] ??= zeroCounters()), delta);
    }
    if (release) this.giveBack(release);
    return Promise.resolve();
  }

  read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    return Promise.resolve(this.copy(key, window));
  }

  readMany(
    key: string,
    windows: readonly PeriodWindow[],
  ): Promise<UsageByModel[]> {
    return Promise.resolve(windows.map((w) => this.copy(key, w)));
  }

  admit(
    key: string,
    window: PeriodWindow,
    cost: Amounts,
    limits: Limits,
    reserve?: string,
  ): Promise<Admission> {
    const used = zeroAmounts();
    for (const counters of Object.values(
      this.windows.get(windowId(key, window))?.models ?? {},
    )) {
      const amounts = amountsOf(counters);
      for (const kind of AMOUNT_NAMES) used[kind] += amounts[kind];
    }
    const id = windowId(key, window);
    const held = this.reserved.get(id);
    const reserved = zeroAmounts();
    for (const amounts of held?.values() ?? []) {
      for (const kind of AMOUNT_NAMES) reserved[kind] += amounts[kind];
    }
    const refused = refusedKind(used, reserved, cost, limits);
    if (!refused && reserve !== undefined) {
      const entries = held ?? new Map<string, Amounts>();
      entries.set(reserve, { ...cost });
      this.reserved.set(id, entries);
    }
    return Promise.resolve({ refused, used, reserved });
  }

  release(reservation: Reservation): Promise<void> {
    this.giveBack(reservation);
    return Promise.resolve();
  }

  /** Takes every window's counters out (what a buffer hands on). */
  drain(): WindowEntry[] {
    const entries = [...this.windows.values()];
    this.windows.clear();
    return entries;
  }

  /** Whether any counter is held. */
  get empty(): boolean {
    return this.windows.size === 0;
  }

  private giveBack({ id: held, key, window }: Reservation): void {
    const id = windowId(key, window);
    const entries = this.reserved.get(id);
    if (!entries) return;
    entries.delete(held);
    if (entries.size === 0) this.reserved.delete(id);
  }

  private copy(key: string, window: PeriodWindow): UsageByModel {
    const entry = this.windows.get(windowId(key, window));
    const copy = Object.create(null) as UsageByModel;
    for (const [model, counters] of Object.entries(entry?.models ?? {})) {
      copy[model] = { ...counters };
    }
    return copy;
  }

  /** Windows past their keeping are forgotten, now and then. */
  private sweep(): void {
    const now = this.now();
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [id, entry] of this.windows) {
      if (entry.keepUntil <= now) this.windows.delete(id);
    }
  }
}

function windowId(key: string, window: PeriodWindow): string {
  return `${window.period}:${window.key}:${key}`;
}
