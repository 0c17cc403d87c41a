import type Redis from 'ioredis';
import { createRedisClient } from '../common/redis-client';
import type { CachedAnswer } from '../http/cached-answer';
import { CacheStore } from './cache-store';

/**
 * Kept answers in Redis, so every replica serves them: one binary value per key
 * (a length-prefixed JSON head, then the body bytes as they are), expiring with
 * the entry. Commands time out after 500 ms; a failure is a miss, never an error.
 */
export class RedisCacheStore extends CacheStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'copilot-proxy:cache:',
  ) {
    super();
    this.redis = createRedisClient(url);
    this.redis.on('error', () => undefined);
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const value = await this.redis.getBuffer(this.prefix + key);
    if (!value || value.length < 4) return undefined;
    const headLength = value.readUInt32BE(0);
    const head = JSON.parse(
      value.subarray(4, 4 + headLength).toString('utf8'),
    ) as Omit<CachedAnswer, 'body'>;
    return { ...head, body: value.subarray(4 + headLength) };
  }

  async set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    const { body, ...head } = answer;
    const headBytes = Buffer.from(JSON.stringify(head), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(headBytes.length, 0);
    await this.redis.set(
      this.prefix + key,
      Buffer.concat([length, headBytes, body]),
      'PX',
      ttlMs,
    );
  }

  /** Whether the connection is up (commands fail fast while it is not). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  override close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}
