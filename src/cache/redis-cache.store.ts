import type { CachedAnswer } from '../http/cached-answer';
import type { RedisConnection } from '../redis/redis-connection';
import { CacheStore } from './cache-store';

/** A write is skipped while this much is still queued for Redis (it is slow or frozen). */
export const MAX_QUEUED_BYTES = 1024 * 1024;

/**
 * What an entry costs Redis beyond its value: the key and its expiry, its member
 * in the order and its field in the sizes (each a copy of the key), and Redis's
 * own bookkeeping — about 475 bytes for a 64-character key, measured with
 * `INFO memory` over 100,000 small entries; counted generously.
 */
export const ENTRY_OVERHEAD_BYTES = 512;

/**
 * Stores an entry and keeps the cache within its own byte bound, atomically: the
 * entry's size goes into a size table and a running total, and the oldest
 * entries go while the total is over the bound (an entry that already expired by
 * its TTL only gives its bytes back). So cache traffic never fills Redis: usage
 * and rate-limit counters sharing it are never evicted for cache entries.
 * KEYS: entry, order (sorted set), sizes (hash), total. ARGV: value, ttl ms,
 * size, bound, entry key, sequence.
 */
const STORE = `
local old = redis.call('HGET', KEYS[3], ARGV[5])
if old then
  redis.call('DECRBY', KEYS[4], old)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[3])
local total = redis.call('INCRBY', KEYS[4], ARGV[3])
local bound = tonumber(ARGV[4])
local prefix = string.sub(KEYS[1], 1, #KEYS[1] - #ARGV[5])
while total > bound do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not oldest then break end
  redis.call('ZREM', KEYS[2], oldest)
  local size = tonumber(redis.call('HGET', KEYS[3], oldest) or '0')
  redis.call('HDEL', KEYS[3], oldest)
  redis.call('DEL', prefix .. oldest)
  total = redis.call('DECRBY', KEYS[4], size)
end
return total
`;

/**
 * Kept answers in Redis, so every replica serves them: one binary value per key
 * (a length-prefixed JSON head, then the body bytes as they are), expiring with
 * the entry, all entries together — values and Redis's overhead for them —
 * bounded by `RESPONSE_CACHE_MAX_BYTES`. Commands
 * go through the shared connection (its breaker); a failure is a miss, never an
 * error, and a write is skipped while Redis is backed up.
 */
export class RedisCacheStore extends CacheStore {
  private sequence = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly maxBytes: number,
    private readonly prefix = 'copilot-proxy:cache:',
  ) {
    super();
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const value = await this.redis.run((client) =>
      client.getBuffer(this.prefix + key),
    );
    if (!value || value.length < 4) return undefined;
    const headLength = value.readUInt32BE(0);
    const head = JSON.parse(
      value.subarray(4, 4 + headLength).toString('utf8'),
    ) as Omit<CachedAnswer, 'body'>;
    return { ...head, body: value.subarray(4 + headLength) };
  }

  async set(
    key: string,
    answer: CachedAnswer,
    ttlMs: number,
  ): Promise<boolean> {
    const { body, ...head } = answer;
    const headBytes = Buffer.from(JSON.stringify(head), 'utf8');
    const size =
      4 +
      headBytes.length +
      body.length +
      ENTRY_OVERHEAD_BYTES +
      3 * key.length;
    if (size > this.maxBytes) return false;
    if (!this.redis.available || this.redis.queuedBytes > MAX_QUEUED_BYTES)
      return false;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headBytes.length, 0);
    // A sequence within a millisecond keeps the order of entries stored together.
    const order = Date.now() * 1000 + (this.sequence++ % 1000);
    await this.redis.run((client) =>
      client.eval(
        STORE,
        4,
        this.prefix + key,
        `${this.prefix}@order`,
        `${this.prefix}@sizes`,
        `${this.prefix}@total`,
        Buffer.concat([length, headBytes, body]),
        ttlMs,
        size,
        this.maxBytes,
        key,
        order,
      ),
    );
    return true;
  }

  /** Bytes the cache's entries hold in Redis, by its own count. */
  async heldBytes(): Promise<number> {
    const total = await this.redis.run((client) =>
      client.get(`${this.prefix}@total`),
    );
    return Number(total ?? 0);
  }
}
