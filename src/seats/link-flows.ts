import type { RedisConnection } from '../redis/redis-connection';

/** A device flow's state as every replica reads it: never its device code. */
export interface FlowRecord {
  /** Which flow: a newer one for the same key replaces it. */
  id: string;
  state: 'pending' | 'expired' | 'denied';
  detail?: string;
}

const KEY_PREFIX = 'copilot-proxy:seat-flow:';

/**
 * Where link flows are told, by key name: in Redis with `REDIS_URL` (so a
 * `GET /seats/link` on any replica sees the flow another one polls), in memory
 * otherwise and while Redis is away. Each record lives as long as its code.
 */
export class LinkFlows {
  private readonly local = new Map<
    string,
    { record: FlowRecord; until: number }
  >();

  constructor(private readonly redis: RedisConnection | null) {}

  async set(keyName: string, record: FlowRecord, ttlMs: number): Promise<void> {
    this.local.set(keyName, { record, until: Date.now() + ttlMs });
    await this.redis
      ?.run((r) =>
        r.set(KEY_PREFIX + keyName, JSON.stringify(record), 'PX', ttlMs),
      )
      .catch(() => undefined);
  }

  async get(keyName: string): Promise<FlowRecord | undefined> {
    if (this.redis?.available) {
      try {
        const value = await this.redis.run((r) => r.get(KEY_PREFIX + keyName));
        return value === null ? undefined : (JSON.parse(value) as FlowRecord);
      } catch {
        // Redis away: what this replica knows.
      }
    }
    const held = this.local.get(keyName);
    if (held && held.until > Date.now()) return held.record;
    this.local.delete(keyName);
    return undefined;
  }

  /** Whether `id` is still the key's flow (not replaced, not cancelled). */
  async isCurrent(keyName: string, id: string): Promise<boolean> {
    return (await this.get(keyName))?.id === id;
  }

  async delete(keyName: string): Promise<void> {
    this.local.delete(keyName);
    await this.redis
      ?.run((r) => r.del(KEY_PREFIX + keyName))
      .catch(() => undefined);
  }
}
