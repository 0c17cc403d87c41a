import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  let now = 1_000_000;
  const storage = () => new MemoryThrottlerStorage(() => now);

  it('counts hits in a fixed window and blocks past the limit until it resets', async () => {
    const store = storage();
    const hits = [];
    for (let i = 0; i < 4; i++)
      hits.push(await store.increment('k', 60_000, 3));
    expect(hits.map((h) => h.totalHits)).toEqual([1, 2, 3, 4]);
    expect(hits.map((h) => h.isBlocked)).toEqual([false, false, false, true]);
    expect(hits[3].timeToBlockExpire).toBe(60);
    now += 30_000;
    expect((await store.increment('k', 60_000, 3)).timeToExpire).toBe(30);
    now += 30_000;
    const fresh = await store.increment('k', 60_000, 3);
    expect(fresh).toMatchObject({
      totalHits: 1,
      isBlocked: false,
      timeToExpire: 60,
    });
  });

  it('keeps clients apart, and costs the same at the millionth hit as at the first', async () => {
    const store = storage();
    await store.increment('a', 60_000, 10);
    expect((await store.increment('b', 60_000, 10)).totalHits).toBe(1);
    for (let i = 0; i < 1_000_000; i++) await store.increment('a', 60_000, 1e9);
    expect((await store.increment('a', 60_000, 1e9)).totalHits).toBe(1_000_002);
  });
});
