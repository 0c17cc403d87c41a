import { Logger } from '@nestjs/common';
import type { RedisConnection } from '../redis/redis-connection';
import type { PeriodWindow } from './usage-period';
import type { RedisUsageStore } from './redis-usage.store';
import {
  addCounters,
  Admission,
  Amounts,
  AMOUNT_NAMES,
  amountsOf,
  Counters,
  Limits,
  MemoryUsageStore,
  refusedKind,
  Reservation,
  UsageByModel,
  UsageStore,
  zeroAmounts,
  zeroCounters,
} from './usage-store';

/**
 * Redis with a local buffer for its outages: what cannot be written is counted
 * in this process and added to Redis when it is back, so usage during an outage
 * is late, never lost. Meanwhile quotas are checked against the last totals
 * Redis gave for the key plus what this replica counted since — other
 * replicas' use during the outage is unknown until it is back. `onFailure` is
 * told of every failed command (metric and log).
 */
export class BufferedUsageStore extends UsageStore {
  private readonly logger = new Logger('Usage');
  private readonly local: MemoryUsageStore;
  /** Reservations made in Redis that could not be given back yet. */
  private releases: Reservation[] = [];
  /** The key's use per window as Redis last told it. */
  private readonly lastKnown = new Map<string, Amounts>();
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisUsageStore,
    connection: RedisConnection,
    historyDays: number,
    now: () => number,
    private readonly onFailure: (error: unknown) => void,
  ) {
    super();
    this.local = new MemoryUsageStore(historyDays, now);
    connection.onReady(() => void this.flush());
  }

  /** Whether counts are waiting for Redis. */
  get buffered(): boolean {
    return !this.local.empty || this.releases.length > 0;
  }

  async add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
    release?: Reservation,
  ): Promise<void> {
    const held = release?.local ? release : undefined;
    if (held) await this.local.release(held);
    const remote = release && !release.local ? release : undefined;
    try {
      await this.redis.add(key, model, delta, windows, remote);
    } catch (error) {
      this.onFailure(error);
      await this.local.add(key, model, delta, windows);
      if (remote) this.releases.push(remote);
    }
  }

  async read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    return merge(
      await this.redis.read(key, window),
      await this.local.read(key, window),
    );
  }

  async readMany(
    key: string,
    windows: readonly PeriodWindow[],
  ): Promise<UsageByModel[]> {
    const remote = await this.redis.readMany(key, windows);
    const local = await this.local.readMany(key, windows);
    return remote.map((models, i) => merge(models, local[i]));
  }

  async admit(
    key: string,
    window: PeriodWindow,
    cost: Amounts,
    limits: Limits,
    reserve: boolean,
  ): Promise<Admission> {
    const id = `${window.period}:${window.key}:${key}`;
    const pending = await this.localAmounts(key, window);
    try {
      // What this replica still holds locally narrows the limits: one atomic call.
      const narrowed: Limits = {};
      for (const kind of AMOUNT_NAMES) {
        const limit = limits[kind];
        if (limit !== undefined)
          narrowed[kind] = limit - pending.used[kind] - pending.reserved[kind];
      }
      const admission = await this.redis.admit(
        key,
        window,
        cost,
        narrowed,
        reserve,
      );
      this.lastKnown.set(id, admission.used);
      return {
        refused: admission.refused,
        used: sum(admission.used, pending.used),
        reserved: sum(admission.reserved, pending.reserved),
      };
    } catch (error) {
      this.onFailure(error);
      const used = sum(this.lastKnown.get(id) ?? zeroAmounts(), pending.used);
      const refused = refusedKind(used, pending.reserved, cost, limits);
      if (!refused && reserve)
        await this.local.admit(key, window, cost, {}, true);
      return { refused, used, reserved: pending.reserved, local: true };
    }
  }

  async release(reservation: Reservation): Promise<void> {
    if (reservation.local) return this.local.release(reservation);
    try {
      await this.redis.release(reservation);
    } catch (error) {
      this.onFailure(error);
      this.releases.push(reservation);
    }
  }

  override async close(): Promise<void> {
    await this.flushing;
    await this.redis.close();
  }

  /** Hands what was counted locally to Redis (on every reconnect). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const entries = this.local.drain();
    const releases = this.releases;
    this.releases = [];
    let moved = 0;
    for (const entry of entries) {
      for (const [model, counters] of Object.entries(entry.models)) {
        try {
          await this.redis.add(entry.key, model, counters, [entry.window]);
          moved++;
        } catch (error) {
          this.onFailure(error);
          await this.local.add(entry.key, model, counters, [entry.window]);
        }
      }
    }
    for (const reservation of releases) {
      await this.release(reservation);
    }
    if (moved > 0)
      this.logger.log(
        `Redis is back: ${moved} usage count(s) counted locally meanwhile added`,
      );
  }

  /** What this replica holds locally for the window: counted, and in flight. */
  private async localAmounts(key: string, window: PeriodWindow) {
    const used = zeroAmounts();
    for (const counters of Object.values(await this.local.read(key, window))) {
      const amounts = amountsOf(counters);
      for (const kind of AMOUNT_NAMES) used[kind] += amounts[kind];
    }
    const { reserved } = await this.local.admit(
      key,
      window,
      zeroAmounts(),
      {},
      false,
    );
    return { used, reserved };
  }
}

function sum(a: Amounts, b: Amounts): Amounts {
  const total = zeroAmounts();
  for (const kind of AMOUNT_NAMES) total[kind] = a[kind] + b[kind];
  return total;
}

function merge(into: UsageByModel, from: UsageByModel): UsageByModel {
  for (const [model, counters] of Object.entries(from)) {
    addCounters((into[model] ??= zeroCounters()), counters);
  }
  return into;
}
