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

  it('keeps an ended window until a new window opens', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    // Time passed, but nothing opened a window since: still there.
    expect(await store.read('alice', DAY)).toEqual({ 'gpt-4.1': CHAT });
    // Another key's next day opens: alice's ended day goes, her month stays.
    await store.add('bob', 'gpt-4.1', OPUS, [NEXT_DAY, MONTH]);
    expect(await store.read('alice', DAY)).toEqual({});
    expect(await store.read('alice', MONTH)).toEqual({ 'gpt-4.1': CHAT });
    expect(await store.read('bob', NEXT_DAY)).toEqual({ 'gpt-4.1': OPUS });
  });

  it('drops the ended month and day once the next month opens', async () => {
    await store.add('alice', 'gpt-4.1', CHAT, [DAY, MONTH]);
    const firstOfNext = periodWindow('day', NEXT_MONTH.start);
    await store.add('alice', 'gpt-4.1', AGENT_TURN, [firstOfNext, NEXT_MONTH]);
    expect(await store.read('alice', DAY)).toEqual({});
    expect(await store.read('alice', MONTH)).toEqual({});
    expect(await store.read('alice', firstOfNext)).toEqual({
      'gpt-4.1': AGENT_TURN,
    });
    expect(await store.read('alice', NEXT_MONTH)).toEqual({
      'gpt-4.1': AGENT_TURN,
    });
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
