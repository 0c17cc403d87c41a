import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { RedisConnection } from '../redis/redis-connection';

/** One atomic round trip: count the hit, start the window on the first one. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {hits, ttl}
`;

export interface FailOpenListener {
  onStorageFailure(): void;
}

/**
 * Fixed-window counters in Redis, so every replica enforces one shared limit.
 * When Redis cannot answer (down, restarting, slow) the request is let through:
 * losing the limit for a while is better than losing the service. Failures are
 * logged (at most every 10 s) and counted; ioredis reconnects by itself, and the
 * counters are used again as soon as it has.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly listener?: FailOpenListener,
    private readonly prefix = 'copilot-proxy:rate-limit:',
  ) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, pttl] = (await this.redis.run((client) =>
        client.eval(INCREMENT, 1, this.prefix + key, ttl),
      )) as [number, number];
      const seconds = Math.ceil(pttl / 1000);
      const blocked = hits > limit;
      return {
        totalHits: hits,
        timeToExpire: seconds,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? seconds : 0,
      };
    } catch (error) {
      this.listener?.onStorageFailure();
      this.warn(
        `rate limit not enforced: Redis did not answer (${(error as Error).message})`,
      );
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn(message);
  }
}
