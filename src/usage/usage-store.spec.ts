import { periodWindow } from './usage-period';
import { Counters, MemoryUsageStore, zeroCounters } from './usage-store';

const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-11-24T13:45:00Z');
const DAY = periodWindow('day', NOW);
const MONTH = periodWindow('month', NOW);
const NEXT_DAY = periodWindow('day', DAY.resetsAt);
const NEXT_MONTH = periodWindow('month', MONTH.resetsAt);

const counters = (values: Partial<Counters>): Counters => ({
  ...zeroCounters(),
  ...values,
});

const CHAT = counters({
  requests: 1,
  premiumRequests: 1,
  promptTokens: 1843,
  cachedTokens: 1536,
  completionTokens: 17,
  nanoAiu: 1518000,
});
const AGENT_TURN = counters({
  requests: 1,
  premiumRequests: 0,
  promptTokens: 2100,
  cachedTokens: 1843,
  completionTokens: 250,
  nanoAiu: 900000,
});
const OPUS = counters({
  requests: 1,
  premiumRequests: 10,
  promptTokens: 500,
  completionTokens: 80,
});

describe('MemoryUsageStore', () => {
  let store: MemoryUsageStore;
  beforeEach(() => {
    store = new MemoryUsageStore();
  });

  it('adds to several windows at once and reads them back per model', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    await store.add('alice', 'claude-opus-4', OPUS, [DAY, MONTH]);
    const expected = { 'gpt-4.1': CHAT, 'claude-opus-4': OPUS };
    expect(await store.read('alice', DAY)).toEqual(expected);
    expect(await store.read('alice', MONTH)).toEqual(expected);
  });

  it('adds the counters up', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    await store.add('alice', 'gpt-4.1', AGENT_TURN, [DAY, MONTH]);
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    const sum = counters({
      requests: 3,
      premiumRequests: 2,
      promptTokens: 1843 * 2 + 2100,
      cachedTokens: 1536 * 2 + 1843,
      completionTokens: 17 * 2 + 250,
      nanoAiu: 1518000 * 2 + 900000,
    });
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': sum });
    expect(await store.read('alice', MONTH)).toEqual({ 'gpt-4.1': sum });
  });

  it('adds fractional premium requests exactly enough', async () => {
    const mini = counters({ requests: 1, premiumRequests: 0.33 });
    for (let i = 0; i < 3; i++)
      await store.add('alice', 'gpt-5-mini', mini, [DAY]);
    const read = await store.read('alice', DAY);
    expect(read['gpt-5-mini'].requests).toBe(3);
    expect(read['gpt-5-mini'].premiumRequests).toBeCloseTo(0.99, 10);
  });

  it('keeps keys apart', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    await store.add('bob', 'gpt-4.1', OPUS, [DAY, MONTH]);
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
    expect(await store.read('bob', DAY)).toEqual({ 'gpt-4.1': OPUS });
    expect(await store.read('carol', DAY)).toEqual({});
  });

  it('keeps windows apart', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    await store.add('alice', 'gpt-4.1', OPUS, [MONTH]);
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
    expect(await store.read('alice', MONTH)).toEqual({
      'gpt-4.1': counters({
        requests: 2,
        premiumRequests: 11,
        promptTokens: 1843 + 500,
        cachedTokens: 1536,
        completionTokens: 17 + 80,
        nanoAiu: 1518000,
      }),
    });
  });

  it('keeps windows of different periods apart even under the same key text', async () => {
    const fakeDay = { ...MONTH, period: 'day' as const };
    await store.add('alice', 'gpt-4.1', CHAT, [MONTH]);
    expect(await store.read('alice', fakeDay)).toEqual({});
  });

  it('reads an empty window as {}', async () => {
    expect(await store.read('alice', DAY)).toEqual({});
    expect(await store.read('alice', MONTH)).toEqual({});
    await store.add('alice', 'gpt-4.1', CHAT, [DAY]);
    expect(await store.read('alice', NEXT_DAY)).toEqual({});
    expect(await store.read('alice', MONTH)).toEqual({});
  });

  it('keeps day windows for the history, months until they end', async () => {
    let now = NOW;
    const kept = new MemoryUsageStore(2, () => now);
    await kept.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    // Two days after its end the day is still there (history); the month too.
    now = DAY.resetsAt + 2 * 86_400_000 - 1;
    await kept.add('bob', 'gpt-4.1', OPUS, [periodWindow('day', now), MONTH]);
    expect(await kept.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
    // Once the next month has begun and the history has passed, both go.
    now = NEXT_MONTH.start + 3 * 86_400_000;
    await kept.add('bob', 'gpt-4.1', OPUS, [periodWindow('day', now)]);
    expect(await kept.read('alice', DAY)).toEqual({});
    expect(await kept.read('alice', MONTH)).toEqual({});
  });

  it('does not drop a window that has not ended', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [MONTH]);
    await store.add('alice', 'gpt-4.1', CHAT, [DAY]);
    await store.add('bob', 'gpt-4.1', CHAT, [NEXT_DAY]);
    expect(await store.read('alice', MONTH)).toEqual({ 'gpt-4.1': CHAT });
  });

  it('returns a copy: changing what was read does not change the store', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY]);
    const read = await store.read('alice', DAY);
    read['gpt-4.1'].requests = 1000;
    read['gpt-4.1'].promptTokens += 1;
    read['other-model'] = counters({ requests: 5 });
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
  });

  it('keeps no reference to the delta it was given', async () => {
    const delta = { ...CHAT };
    await store.add('alice', 'gpt-4.1', delta, [DAY, MONTH]);
    delta.requests = 99;
    delta.promptTokens = 0;
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
    expect(await store.read('alice', MONTH)).toEqual({ 'gpt-4.1': CHAT });
  });

  it('adds nothing when given no windows', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, []);
    expect(await store.read('alice', DAY)).toEqual({});
  });

  it('closes', async () => {
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('admission (the same rule in every store)', () => {
  const cost = (premiumRequests: number, tokens = 0, nanoAiu = 0) => ({
    premiumRequests,
    tokens,
    nanoAiu,
  });
  let store: MemoryUsageStore;
  beforeEach(() => {
    store = new MemoryUsageStore(90, () => NOW);
  });

  it('refuses a premium call whose cost exceeds what is left, and admits one that fits', async () => {
    await store.add(
      'alice',
      'claude-opus-4',
      counters({ premiumRequests: 5 }),
      [MONTH],
    );
    const limits = { premiumRequests: 10 };
    expect((await store.admit('alice', MONTH, cost(10), limits)).refused).toBe(
      'premiumRequests',
    );
    expect(
      (await store.admit('alice', MONTH, cost(5), limits)).refused,
    ).toBeUndefined();
  });

  it('always admits a free call, even on a premium budget of 0', async () => {
    const admission = await store.admit(
      'alice',
      MONTH,
      cost(0),
      { premiumRequests: 0 },
      'r-free',
    );
    expect(admission.refused).toBeUndefined();
  });

  it('counts reservations in flight: parallel calls cannot all pass one remaining budget', async () => {
    const limits = { premiumRequests: 1 };
    const admissions = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.admit('alice', MONTH, cost(1), limits, `r-${Math.random()}`),
      ),
    );
    expect(admissions.filter((a) => !a.refused)).toHaveLength(1);
    expect(admissions[1].reserved.premiumRequests).toBe(1);
  });

  it('gives a reservation back on release, and on the add that settles it', async () => {
    const limits = { tokens: 100 };
    const first = await store.admit('alice', DAY, cost(0, 100), limits, 'r1');
    expect(first.refused).toBeUndefined();
    expect((await store.admit('alice', DAY, cost(0, 1), limits)).refused).toBe(
      'tokens',
    );
    await store.add('alice', 'gpt-4.1', counters({ promptTokens: 30 }), [DAY], {
      id: 'r1',
      key: 'alice',
      window: DAY,
      amounts: cost(0, 100),
    });
    const after = await store.admit('alice', DAY, cost(0, 1), limits);
    expect(after).toMatchObject({
      refused: undefined,
      used: { tokens: 30 },
      reserved: { tokens: 0 },
    });
  });

  it('gives each reservation back once, by its id', async () => {
    const limits = { premiumRequests: 2 };
    await store.admit('alice', MONTH, cost(1), limits, 'a');
    await store.admit('alice', MONTH, cost(1), limits, 'b');
    const a = { id: 'a', key: 'alice', window: MONTH, amounts: cost(1) };
    await store.release(a);
    await store.release(a);
    expect(
      (await store.admit('alice', MONTH, cost(0), limits)).reserved,
    ).toEqual(cost(1));
  });

  it('admits a credits call beside others in flight only when its own estimate fits', async () => {
    const limits = { nanoAiu: 1e9 };
    const admitted = [];
    for (let i = 0; i < 20; i++) {
      const a = await store.admit(
        'alice',
        DAY,
        cost(0, 0, 3e8),
        limits,
        `c${i}`,
      );
      if (!a.refused) admitted.push(a);
    }
    // 3 × 0.3 fits in 1 AIU, a fourth does not.
    expect(admitted).toHaveLength(3);
  });

  it('admits a credits call alone while the budget is not used up, whatever its estimate', async () => {
    const limits = { nanoAiu: 1e9 };
    expect(
      (await store.admit('alice', DAY, cost(0, 0, 5e9), limits, 'big')).refused,
    ).toBeUndefined();
    expect(
      (await store.admit('alice', DAY, cost(0, 0, 1), limits, 'next')).refused,
    ).toBe('nanoAiu');
  });

  it('admits tokens and credits while the budget is not used up, whatever the estimate', async () => {
    await store.add(
      'alice',
      'gpt-4.1',
      counters({ promptTokens: 99, nanoAiu: 4e9 }),
      [DAY],
    );
    expect(
      (await store.admit('alice', DAY, cost(0, 1000), { tokens: 100 })).refused,
    ).toBeUndefined();
    expect(
      (await store.admit('alice', DAY, cost(0, 0, 1), { nanoAiu: 4e9 }))
        .refused,
    ).toBe('nanoAiu');
  });
});
