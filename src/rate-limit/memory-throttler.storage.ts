import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

/**
 * Fixed-window counters in this process — the same semantics as the Redis
 * storage, one counter per client and window. @nestjs/throttler's own memory
 * storage keeps every hit's expiry and filters them all on each request, so its
 * cost grows with the traffic in a window (a busy proxy at 1000 req/s paid more
 * per request every second). Ended windows are swept now and then.
 */
export class MemoryThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<
    string,
    { hits: number; resetAt: number }
  >();
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    this.sweep(now, ttl);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + ttl };
      this.windows.set(key, window);
    }
    window.hits++;
    const seconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    const blocked = window.hits > limit;
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire: seconds,
      isBlocked: blocked,
      timeToBlockExpire: blocked ? seconds : 0,
    });
  }

  private sweep(now: number, ttl: number): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + ttl;
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) this.windows.delete(key);
    }
  }
}
