import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '../redis/redis-connection';
import type { PeriodWindow } from './usage-period';
import {
  Admission,
  Amounts,
  AMOUNT_NAMES,
  COUNTER_NAMES,
  Counters,
  keepUntil,
  Limits,
  Reservation,
  UsageByModel,
  UsageStore,
  zeroAmounts,
  zeroCounters,
} from './usage-store';

/** A window's counters outlive its keeping by this much, then Redis drops them. */
const GRACE_SECONDS = 3600;
const SEPARATOR = '\u001f';
/** A replica's reservations count while its heartbeat lives (refreshed every third of it). */
const HEARTBEAT_MS = 30_000;

/**
 * Admission in one round trip: sums what the key used in the window (premium
 * requests, prompt + completion tokens, nano-AIU) and what live replicas hold in
 * flight — dropping the reservations of replicas whose heartbeat is gone, so a
 * replica that died mid-request does not hold a budget for ever — applies the
 * rule of `refusedKind`, and reserves the cost when admitted.
 * Each reservation is its own field (`<replica>:<reservation id>`, the three
 * amounts), so giving it back is deleting it: done twice, it is done once.
 * KEYS: usage hash, reservation hash. ARGV: replica, heartbeat prefix, expire-at,
 * reservation id ('' = do not reserve), then cost and limit ('' = none) per kind:
 * premium, tokens, nano.
 */
const ADMIT = `
local used = {0, 0, 0}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local name = string.match(fields[i], '\\031([^\\031]+)$')
  local value = tonumber(fields[i + 1]) or 0
  if name == 'premiumRequests' then used[1] = used[1] + value
  elseif name == 'promptTokens' or name == 'completionTokens' then used[2] = used[2] + value
  elseif name == 'nanoAiu' then used[3] = used[3] + value end
end
local reserved = {0, 0, 0}
local held = redis.call('HGETALL', KEYS[2])
local alive = {}
for i = 1, #held, 2 do
  local replica = string.match(held[i], '^([^:]+):')
  if replica then
    if alive[replica] == nil then
      alive[replica] = redis.call('EXISTS', ARGV[2] .. replica) == 1
    end
    if alive[replica] then
      local k = 1
      for amount in string.gmatch(held[i + 1], '%S+') do
        if k <= 3 then reserved[k] = reserved[k] + (tonumber(amount) or 0) end
        k = k + 1
      end
    else
      redis.call('HDEL', KEYS[2], held[i])
    end
  end
end
local cost = {tonumber(ARGV[5]), tonumber(ARGV[7]), tonumber(ARGV[9])}
local limit = {tonumber(ARGV[6]), tonumber(ARGV[8]), tonumber(ARGV[10])}
local refused = 0
if limit[1] and cost[1] > 0 and used[1] + reserved[1] + cost[1] > limit[1] + 1e-9 then refused = 1 end
if refused == 0 and limit[2] and used[2] + reserved[2] >= limit[2] then refused = 2 end
if refused == 0 and limit[3] and (used[3] + reserved[3] >= limit[3] or
  (reserved[3] > 0 and used[3] + reserved[3] + cost[3] > limit[3] + 1e-9)) then refused = 3 end
if refused == 0 and ARGV[4] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[1] .. ':' .. ARGV[4], ARGV[5] .. ' ' .. ARGV[7] .. ' ' .. ARGV[9])
  redis.call('EXPIREAT', KEYS[2], ARGV[3])
end
return {refused, tostring(used[1]), tostring(used[2]), tostring(used[3]),
  tostring(reserved[1]), tostring(reserved[2]), tostring(reserved[3])}
`;

/**
 * Adds an answer's counters to each window and gives its reservation back, once:
 * the op key makes a write that timed out on a frozen Redis — and ran when it
 * thawed — a no-op when the buffer sends it again. KEYS: op key, the window
 * hashes, then the reservation hash when there is one. ARGV: op ttl ms, the
 * number of windows, each window's expire-at, the number of fields, field/value
 * pairs, then (with a reservation) its field.
 */
const ADD = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local windows = tonumber(ARGV[2])
local fields = tonumber(ARGV[windows + 3])
local first = windows + 4
for i = 1, windows do
  for j = 0, fields - 1 do
    redis.call('HINCRBYFLOAT', KEYS[i + 1], ARGV[first + 2 * j], ARGV[first + 2 * j + 1])
  end
  redis.call('EXPIREAT', KEYS[i + 1], ARGV[i + 2])
end
local held = KEYS[windows + 2]
if held then redis.call('HDEL', held, ARGV[first + 2 * fields]) end
return 1
`;

/** An op key lives this long: longer than any Redis freeze a replay could follow. */
const OP_TTL_MS = 15 * 60_000;

/**
 * Usage counters in Redis, one hash per key and window
 * (`copilot-proxy:usage:day:2026-11-24:alice`, fields `<model>␟<counter>`),
 * incremented atomically in one MULTI and expiring after their keeping (month
 * windows with their period, day windows `historyDays` later), so every replica
 * counts into, and checks quotas against, the same numbers. Requests in flight
 * hold reservations in `…:reserved:<window>:<key>`, by replica. Each write is
 * one op with an id (`…:op:<id>`, kept 15 minutes), applied at most once.
 */
export class RedisUsageStore extends UsageStore {
  /** This replica's name in reservations. */
  readonly replica = randomUUID();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    private readonly historyDays = 90,
    private readonly prefix = 'copilot-proxy:usage:',
  ) {
    super();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS / 3);
    this.heartbeat.unref();
    redis.onReady(() => this.beat());
  }

  async add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
    release?: Reservation,
    op: string = randomUUID(),
  ): Promise<void> {
    const fields: Array<string | number> = [];
    for (const name of COUNTER_NAMES) {
      if (delta[name] !== 0)
        fields.push(`${model}${SEPARATOR}${name}`, delta[name]);
    }
    const keys = [
      this.opKey(op),
      ...windows.map((window) => this.hash(key, window)),
      ...(release ? [this.reservations(release.key, release.window)] : []),
    ];
    const args = [
      OP_TTL_MS,
      windows.length,
      ...windows.map((window) => this.expireAt(window)),
      fields.length / 2,
      ...fields,
      ...(release ? [this.reservationField(release)] : []),
    ];
    await this.redis.run((client) =>
      client.eval(ADD, keys.length, ...keys, ...args),
    );
  }

  async read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    const fields = await this.redis.run((client) =>
      client.hgetall(this.hash(key, window)),
    );
    return parseHash(fields);
  }

  async readMany(
    key: string,
    windows: readonly PeriodWindow[],
  ): Promise<UsageByModel[]> {
    const results = await this.redis.run((client) => {
      const pipeline = client.pipeline();
      for (const window of windows) pipeline.hgetall(this.hash(key, window));
      return pipeline.exec();
    });
    return (results ?? []).map(([error, fields]) => {
      if (error) throw error;
      return parseHash(fields as Record<string, string>);
    });
  }

  async admit(
    key: string,
    window: PeriodWindow,
    cost: Amounts,
    limits: Limits,
    reserve?: string,
  ): Promise<Admission> {
    const args: Array<string | number> = [
      this.replica,
      `${this.prefix}replica:`,
      this.expireAt(window),
      reserve ?? '',
    ];
    for (const kind of AMOUNT_NAMES) args.push(cost[kind], limits[kind] ?? '');
    const reply = (await this.redis.run((client) =>
      client.eval(
        ADMIT,
        2,
        this.hash(key, window),
        this.reservations(key, window),
        ...args,
      ),
    )) as [number, ...string[]];
    const [refused, ...numbers] = reply;
    const values = numbers.map(Number);
    const used = zeroAmounts();
    const reserved = zeroAmounts();
    AMOUNT_NAMES.forEach((kind, i) => {
      used[kind] = values[i];
      reserved[kind] = values[i + 3];
    });
    return {
      refused: refused > 0 ? AMOUNT_NAMES[refused - 1] : undefined,
      used,
      reserved,
    };
  }

  /** Gives a reservation back: deleting its field, which can be done twice. */
  async release(reservation: Reservation): Promise<void> {
    await this.redis.run((client) =>
      client.hdel(
        this.reservations(reservation.key, reservation.window),
        this.reservationField(reservation),
      ),
    );
  }

  override close(): Promise<void> {
    clearInterval(this.heartbeat);
    return Promise.resolve();
  }

  /** This replica's reservations count only while this key lives. */
  private beat(): void {
    if (!this.redis.available) return;
    this.redis
      .run((client) =>
        client.set(
          `${this.prefix}replica:${this.replica}`,
          '1',
          'PX',
          HEARTBEAT_MS,
        ),
      )
      .catch(() => undefined);
  }

  private reservationField(reservation: Reservation): string {
    return `${this.replica}:${reservation.id}`;
  }

  private opKey(op: string): string {
    return `${this.prefix}op:${op}`;
  }

  private expireAt(window: PeriodWindow): number {
    return (
      Math.ceil(keepUntil(window, this.historyDays) / 1000) + GRACE_SECONDS
    );
  }

  private hash(key: string, window: PeriodWindow): string {
    return `${this.prefix}${window.period}:${window.key}:${key}`;
  }

  private reservations(key: string, window: PeriodWindow): string {
    return `${this.prefix}reserved:${window.period}:${window.key}:${key}`;
  }
}

function parseHash(fields: Record<string, string>): UsageByModel {
  const models = Object.create(null) as UsageByModel;
  for (const [field, value] of Object.entries(fields)) {
    const at = field.lastIndexOf(SEPARATOR);
    const model = field.slice(0, at);
    const name = field.slice(at + 1) as keyof Counters;
    if (!COUNTER_NAMES.includes(name)) continue;
    (models[model] ??= zeroCounters())[name] = Number(value);
  }
  return models;
}
