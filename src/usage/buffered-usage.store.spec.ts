import type { RedisConnection } from '../redis/redis-connection';
import { BufferedUsageStore } from './buffered-usage.store';
import type { RedisUsageStore } from './redis-usage.store';
import { periodWindow } from './usage-period';
import { type Admission, zeroAmounts } from './usage-store';

const NOW = Date.UTC(2026, 10, 24, 12);
const MONTH = periodWindow('month', NOW);
const ONE_PREMIUM = { ...zeroAmounts(), premiumRequests: 1 };
const LIMITS = { premiumRequests: 100 };

/** A Redis that answers admissions until it freezes, then times each one out. */
function freezingRedis() {
  const redis = {
    frozen: false,
    admit: (): Promise<Admission> =>
      redis.frozen
        ? new Promise((_, reject) =>
            setImmediate(() => reject(new Error('Command timed out'))),
          )
        : Promise.resolve({
            used: { ...zeroAmounts(), premiumRequests: 99 },
            reserved: zeroAmounts(),
          }),
    release: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return redis;
}

describe('BufferedUsageStore: a frozen Redis', () => {
  it('holds a premium budget under parallel calls: each sees the reservations made meanwhile', async () => {
    const redis = freezingRedis();
    const store = new BufferedUsageStore(
      redis as unknown as RedisUsageStore,
      {
        onReady: () => undefined,
        available: true,
      } as unknown as RedisConnection,
      90,
      () => NOW,
      () => undefined,
    );
    // 99 of 100 used, as Redis last said.
    expect(
      (await store.admit('alice', MONTH, ONE_PREMIUM, LIMITS)).refused,
    ).toBeUndefined();
    redis.frozen = true;
    const admissions = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.admit('alice', MONTH, ONE_PREMIUM, LIMITS, `r${i}`),
      ),
    );
    expect(admissions.filter((a) => !a.refused)).toHaveLength(1);
    expect(admissions.every((a) => a.local)).toBe(true);
    await store.close();
  });
});
