import type Redis from 'ioredis';
import { createRedisClient } from '../common/redis-client';
import type { PeriodWindow } from './usage-period';
import {
  COUNTER_NAMES,
  Counters,
  UsageByModel,
  UsageStore,
  zeroCounters,
} from './usage-store';

/** A period's counters outlive its end by this much, then Redis drops them. */
const GRACE_SECONDS = 3600;
const SEPARATOR = '\u001f';

/**
 * Usage counters in Redis, one hash per key and period
 * (`copilot-proxy:usage:day:2026-11-24:alice`, fields `<model>␟<counter>`),
 * incremented atomically in one MULTI and expiring with the period, so every
 * replica counts into, and checks quotas against, the same numbers. Fails like
 * the rate limits do: commands time out after 500 ms and the caller carries on.
 */
export class RedisUsageStore extends UsageStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'copilot-proxy:usage:',
  ) {
    super();
    this.redis = createRedisClient(url);
    // Failures surface on each command; the connection error itself is noise.
    this.redis.on('error', () => undefined);
  }

  async add(
    key: string,
    model: string,
    delta: Counters,
    windows: readonly PeriodWindow[],
  ): Promise<void> {
    const multi = this.redis.multi();
    for (const window of windows) {
      const hash = this.hash(key, window);
      for (const name of COUNTER_NAMES) {
        if (delta[name] !== 0)
          multi.hincrbyfloat(hash, `${model}${SEPARATOR}${name}`, delta[name]);
      }
      multi.expireat(hash, Math.ceil(window.resetsAt / 1000) + GRACE_SECONDS);
    }
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('MULTI aborted');
  }

  async read(key: string, window: PeriodWindow): Promise<UsageByModel> {
    const fields = await this.redis.hgetall(this.hash(key, window));
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

  /** Whether the connection is up (commands fail fast while it is not). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  override close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }

  private hash(key: string, window: PeriodWindow): string {
    return `${this.prefix}${window.period}:${window.key}:${key}`;
  }
}
