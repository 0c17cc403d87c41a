import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  type RedisConnection,
  RedisUnavailable,
} from '../redis/redis-connection';
import type { PeriodWindow } from './usage-period';
import type { RedisUsageStore } from './redis-usage.store';
import {
  addCounters,
  Admission,
  Amounts,
  AMOUNT_NAMES,
  amountsOf,
  Counters,
  COUNTER_NAMES,
  Limits,
  MemoryUsageStore,
  Reservation,
  UsageByModel,
  UsageStore,
  zeroAmounts,
  zeroCounters,
} from './usage-store';

/** A write Redis did not confirm, kept to be sent again under the same op id. */
type PendingOp =
  | {
      op: string;
      kind: 'add';
      key: string;
      model: string;
      delta: Counters;
      windows: readonly PeriodWindow[];
      release?: Reservation;
    }
  | { op: string; kind: 'release'; reservation: Reservation };

/** How often the buffer tries Redis again while it holds counts. */
const FLUSH_EVERY_MS = 2_000;
/** Writes kept at most; past it new ones go to one merged write per key and model. */
const MAX_PENDING = 100_000;

/**
 * Redis with a local buffer for its outages: a write Redis does not confirm —
 * refused while it is away, or timed out while it is frozen — is counted in
 * this process and sent again, under the same op id, when Redis answers again
 * (on reconnect, and every 2 s), so usage during an outage is late, never lost,
 * and never counted twice (Redis applies an op id once, even a timed-out write
 * that ran when it thawed). Meanwhile quotas are checked against the last
 * totals Redis gave for the key plus what this replica counted since — other
 * replicas' use during the outage is unknown until it is back. `onFailure` is
 * told of every failed command (metric and log).
 */
export class BufferedUsageStore extends UsageStore {
  private readonly logger = new Logger('Usage');
  /** What this replica counted that Redis has not confirmed, as totals. */
  private readonly local: MemoryUsageStore;
  private pending: PendingOp[] = [];
  /** Folded writes not sent yet, by key, model and windows (past `MAX_PENDING`). */
  private readonly overflow = new Map<string, PendingOp>();
  /** The key's use per window as Redis last told it. */
  private readonly lastKnown = new Map<string, Amounts>();
  private flushing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisUsageStore,
    private readonly connection: RedisConnection,
    historyDays: number,
    now: () => number,
    private readonly onFailure: (error: unknown) => void,
  ) {
    super();
    this.local = new MemoryUsageStore(historyDays, now);
    connection.onReady(() => void this.flush());
    this.timer = setInterval(() => {
      if (this.pending.length > 0 && connection.available) void this.flush();
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** Whether counts are waiting for Redis. */
  get buffered(): boolean {
    return this.pending.length > 0;
  }

  async add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
    release?: Reservation,
  ): Promise<void> {
    if (release?.local) await this.local.release(release);
    const remote = release && !release.local ? release : undefined;
    const op = randomUUID();
    try {
      await this.redis.add(key, model, delta, windows, remote, op);
    } catch (error) {
      this.onFailure(error);
      await this.local.add(key, model, delta, windows);
      this.keep(
        { op, kind: 'add', key, model, delta, windows, release: remote },
        !(error instanceof RedisUnavailable),
      );
    }
  }

  async read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    await this.settle();
    return merge(
      await this.redis.read(key, window),
      await this.local.read(key, window),
    );
  }

  async readMany(
    key: string,
    windows: readonly PeriodWindow[],
  ): Promise<UsageByModel[]> {
    await this.settle();
    const remote = await this.redis.readMany(key, windows);
    const local = await this.local.readMany(key, windows);
    return remote.map((models, i) => merge(models, local[i]));
  }

  async admit(
    key: string,
    window: PeriodWindow,
    cost: Amounts,
    limits: Limits,
    reserve?: string,
  ): Promise<Admission> {
    const id = `${window.period}:${window.key}:${key}`;
    await this.settle();
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
      if (reserve !== undefined && !(error instanceof RedisUnavailable)) {
        // It may have run in Redis after all: its reservation goes, later, once.
        this.keep(
          {
            op: randomUUID(),
            kind: 'release',
            reservation: { id: reserve, key, window, amounts: cost },
          },
          true,
        );
      }
      // Checked and reserved in one step in this process, against what it holds
      // now — not what it held before Redis failed: parallel calls that all
      // waited on a frozen Redis must each see the others' reservations.
      const known = this.lastKnown.get(id) ?? zeroAmounts();
      const narrowed: Limits = {};
      for (const kind of AMOUNT_NAMES) {
        const limit = limits[kind];
        if (limit !== undefined) narrowed[kind] = limit - known[kind];
      }
      const local = await this.local.admit(
        key,
        window,
        cost,
        narrowed,
        reserve,
      );
      return {
        refused: local.refused,
        used: sum(known, local.used),
        reserved: local.reserved,
        local: true,
      };
    }
  }

  async release(reservation: Reservation): Promise<void> {
    if (reservation.local) return this.local.release(reservation);
    try {
      await this.redis.release(reservation);
    } catch (error) {
      this.onFailure(error);
      this.keep({ op: randomUUID(), kind: 'release', reservation }, true);
    }
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.pending.length > 0 && this.connection.available)
      await this.flush();
    await this.flushing;
    await this.redis.close();
  }

  /**
   * Before Redis is read again: what it did not confirm goes first, so a write
   * that timed out but ran when Redis thawed is not counted twice meanwhile.
   */
  private async settle(): Promise<void> {
    if (this.pending.length > 0 && this.connection.available)
      await this.flush();
  }

  /** Hands what Redis did not confirm to it again (on reconnect, and every 2 s). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /**
   * Keeps a write for later. One that was sent and timed out may yet run in
   * Redis (`sent`): it keeps its own op id, always.
   */
  private keep(op: PendingOp, sent: boolean): void {
    if (this.pending.length < MAX_PENDING || op.kind !== 'add' || sent) {
      this.pending.push(op);
      return;
    }
    // A long outage: fold into one write per key, model and windows that has
    // never been sent (so it cannot have been applied already).
    const id = `${op.key}\u001f${op.model}\u001f${op.windows.map((w) => `${w.period}:${w.key}`).join(',')}`;
    const folded = this.overflow.get(id);
    if (folded?.kind === 'add') {
      folded.delta = addCounters({ ...folded.delta }, op.delta);
      return;
    }
    const fresh: PendingOp = {
      ...op,
      op: randomUUID(),
      delta: { ...op.delta },
    };
    this.overflow.set(id, fresh);
    this.pending.push(fresh);
  }

  private async drain(): Promise<void> {
    const ops = this.pending;
    this.pending = [];
    this.overflow.clear();
    let moved = 0;
    for (const [i, op] of ops.entries()) {
      try {
        if (op.kind === 'add') {
          await this.redis.add(
            op.key,
            op.model,
            op.delta,
            op.windows,
            op.release,
            op.op,
          );
          await this.local.add(op.key, op.model, negated(op.delta), op.windows);
          moved++;
        } else {
          await this.redis.release(op.reservation);
        }
      } catch (error) {
        this.onFailure(error);
        // Redis went away again: keep the rest, in order, for the next try.
        this.pending = [...ops.slice(i), ...this.pending];
        return;
      }
    }
    if (moved > 0)
      this.logger.log(
        `Redis answers again: ${moved} usage count(s) kept meanwhile added`,
      );
  }

  /** What this replica holds locally for the window: counted, and in flight. */
  private async localAmounts(key: string, window: PeriodWindow) {
    const used = zeroAmounts();
    for (const counters of Object.values(await this.local.read(key, window))) {
      const amounts = amountsOf(counters);
      for (const kind of AMOUNT_NAMES) used[kind] += amounts[kind];
    }
    const { reserved } = await this.local.admit(key, window, zeroAmounts(), {});
    return { used, reserved };
  }
}

function sum(a: Amounts, b: Amounts): Amounts {
  const total = zeroAmounts();
  for (const kind of AMOUNT_NAMES) total[kind] = a[kind] + b[kind];
  return total;
}

function negated(delta: Counters): Counters {
  const out = zeroCounters();
  for (const name of COUNTER_NAMES) out[name] = -delta[name];
  return out;
}

function merge(into: UsageByModel, from: UsageByModel): UsageByModel {
  for (const [model, counters] of Object.entries(from)) {
    addCounters((into[model] ??= zeroCounters()), counters);
  }
  return into;
}
