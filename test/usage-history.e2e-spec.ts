import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Clock } from '../src/usage/clock';
import { periodWindow } from '../src/usage/usage-period';
import { UsageStore } from '../src/usage/usage-store';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { readSse, waitFor } from './support/http-client';
import { RedisServer } from './support/redis-server';
import { redisConnected, startApp, TestApp } from './support/test-app';

const TOKEN = 'test-copilot-token';
const ADMIN = 'sk-history-admin-000';
const ALICE = 'sk-history-alice-000';
const BOB = 'sk-history-bob-00000';
const CREDITS = 'sk-history-credit-00';

function keysFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'copilot-keys-')), 'keys.yaml');
  writeFileSync(
    file,
    `keys:
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
  - name: alice
    key: ${ALICE}
  - name: bob
    key: ${BOB}
  - name: credits
    key: ${CREDITS}
    quota: { period: month, credits: 0.002 }
`,
  );
  return file;
}

class TestClock extends Clock {
  at = Date.UTC(2026, 10, 24, 12);
  now(): number {
    return this.at;
  }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const CHAT = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Hi' }],
});

function useApp(env: Record<string, string> = {}) {
  const ctx = {} as { fake: FakeCopilotApi; proxy: TestApp; clock: TestClock };
  beforeAll(async () => {
    ctx.clock = new TestClock();
    ctx.fake = await new FakeCopilotApi().start();
    ctx.fake.copilotUsage = true;
    ctx.proxy = await startApp(
      {
        COPILOT_TOKEN: TOKEN,
        COPILOT_API_BASE_URL: ctx.fake.url,
        PROXY_KEYS_FILE: keysFile(),
        USAGE_HISTORY_DAYS: '5',
        ...env,
      },
      (builder) => builder.overrideProvider(Clock).useValue(ctx.clock),
    );
  });
  afterAll(async () => {
    await ctx.proxy?.close();
    await ctx.fake?.stop();
  });
  return ctx;
}

const chat = (app: TestApp, key: string) =>
  request(app.app.getHttpServer())
    .post('/v1/chat/completions')
    .set(bearer(key))
    .set('content-type', 'application/json')
    .send(CHAT);

describe('credits: AI credits counted from copilot_usage, and a credits quota', () => {
  const ctx = useApp();

  it('counts credits from each API’s copilot_usage, in nano-AIU and AIU', async () => {
    await chat(ctx.proxy, ALICE);
    await readSse(`${ctx.proxy.url}/v1/messages`, {
      headers: { ...bearer(ALICE), 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-4',
        stream: true,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    await readSse(`${ctx.proxy.url}/v1/responses`, {
      headers: { ...bearer(ALICE), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'Hi' }),
    });
    await waitFor(async () => {
      const usage = await request(ctx.proxy.app.getHttpServer())
        .get('/usage')
        .set(bearer(ALICE));
      return usage.body.periods[0].totals.requests === 3;
    });
    const usage = await request(ctx.proxy.app.getHttpServer())
      .get('/usage')
      .set(bearer(ALICE));
    const day = usage.body.periods.find((p: any) => p.period === 'day');
    // The fake reports 1,234,000 nano-AIU on every answer.
    for (const model of ['gpt-4o', 'claude-sonnet-4', 'gpt-4.1']) {
      expect(day.models[model].nanoAiu).toBe(1_234_000);
    }
    expect(day.totals.nanoAiu).toBe(3 * 1_234_000);
    expect(day.credits).toBeCloseTo(0.003702, 9);
    expect(usage.body.note).toMatch(/counted from what Copilot reports/);
    const metrics = (
      await request(ctx.proxy.app.getHttpServer())
        .get('/metrics')
        .set(bearer(ADMIN))
    ).text;
    expect(metrics).toMatch(
      /copilot_proxy_credits_total\{key="alice",model="gpt-4o"\} 0\.001234/,
    );
  });

  it('refuses a key past its credits with 429 before upstream, and shows the budget', async () => {
    // 0.002 AIU: the first call (0.001234) fits, the second passes the budget.
    expect((await chat(ctx.proxy, CREDITS)).status).toBe(200);
    expect((await chat(ctx.proxy, CREDITS)).status).toBe(200);
    const before = ctx.fake.requests.length;
    const refused = await chat(ctx.proxy, CREDITS);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('quota_exceeded');
    expect(refused.body.error.message).toContain('AI credits');
    expect(ctx.fake.requests.length).toBe(before);
    const usage = await request(ctx.proxy.app.getHttpServer())
      .get('/usage')
      .set(bearer(CREDITS));
    const month = usage.body.periods.find((p: any) => p.period === 'month');
    expect(month.budgets).toEqual([
      { kind: 'credits', limit: 0.002, used: 0.002, remaining: 0 },
    ]);
  });
});

describe('history: daily counters per key and model', () => {
  const ctx = useApp();
  const history = (key: string, days?: number) =>
    request(ctx.proxy.app.getHttpServer())
      .get(`/usage/history${days === undefined ? '' : `?days=${days}`}`)
      .set(bearer(key));

  it('rolls over days, oldest first, today last, with empty days in between', async () => {
    ctx.clock.at = Date.UTC(2026, 10, 20, 12);
    await chat(ctx.proxy, BOB);
    ctx.clock.at = Date.UTC(2026, 10, 22, 9);
    await chat(ctx.proxy, BOB);
    await chat(ctx.proxy, BOB);
    const res = await history(BOB, 3);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      key: 'bob',
      days: 3,
      from: '2026-11-20',
      to: '2026-11-22',
    });
    const [bob] = res.body.keys;
    expect(bob.key).toBe('bob');
    expect(bob.days.map((d: any) => [d.date, d.totals.requests])).toEqual([
      ['2026-11-20', 1],
      ['2026-11-21', 0],
      ['2026-11-22', 2],
    ]);
    expect(bob.days[2].models['gpt-4o']).toMatchObject({
      requests: 2,
      premiumRequests: 2,
      promptTokens: 10,
      completionTokens: 8,
      nanoAiu: 2 * 1_234_000,
    });
  });

  it('keeps USAGE_HISTORY_DAYS days and forgets older ones', async () => {
    const store = ctx.proxy.app.get(UsageStore);
    const nov20 = periodWindow('day', Date.UTC(2026, 10, 20, 12));
    // Nov 20 ended at Nov 21 00:00; kept 5 days more, until Nov 26 00:00.
    ctx.clock.at = Date.UTC(2026, 10, 25, 23);
    await chat(ctx.proxy, ALICE); // a write: the store sweeps what it no longer keeps
    expect((await store.read('bob', nov20))['gpt-4o'].requests).toBe(1);
    expect(
      (await history(BOB, 5)).body.keys[0].days.map(
        (d: any) => d.totals.requests,
      ),
    ).toEqual([0, 2, 0, 0, 0]);
    ctx.clock.at = Date.UTC(2026, 10, 26, 0, 2);
    await chat(ctx.proxy, ALICE);
    expect(await store.read('bob', nov20)).toEqual({});
    // The month still counts it, and asking past the history is refused.
    const month = (
      await request(ctx.proxy.app.getHttpServer())
        .get('/usage')
        .set(bearer(BOB))
    ).body.periods.find((p: any) => p.period === 'month');
    expect(month.totals.requests).toBe(3);
    expect((await history(BOB, 6)).status).toBe(400);
    expect((await history(BOB, 0)).status).toBe(400);
  });

  it('shows a key only itself, and everyone to readAllUsage', async () => {
    await chat(ctx.proxy, ALICE);
    const own = await history(ALICE);
    expect(own.body.keys.map((k: any) => k.key)).toEqual(['alice']);
    const all = await history(ADMIN);
    expect(all.body.keys.map((k: any) => k.key)).toEqual([
      'admin',
      'alice',
      'bob',
      'credits',
    ]);
    expect(all.body.days).toBe(5);
    const anonymous = await request(ctx.proxy.app.getHttpServer()).get(
      '/usage/history',
    );
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(all.body)).not.toContain(ALICE);
  });
});

describe('history shared through one Redis', () => {
  let redis: RedisServer;
  let fake: FakeCopilotApi;
  let a: TestApp;
  let b: TestApp;
  const clock = new TestClock();
  beforeAll(async () => {
    redis = await RedisServer.start();
    fake = await new FakeCopilotApi().start();
    fake.copilotUsage = true;
    const env = {
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_KEYS_FILE: keysFile(),
      REDIS_URL: redis.url,
    };
    const withClock = (builder: any) =>
      builder.overrideProvider(Clock).useValue(clock);
    a = await startApp(env, withClock);
    b = await startApp(env, withClock);
    await waitFor(() => redisConnected(a) && redisConnected(b));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
    await fake?.stop();
  });

  it('one replica sees the days another counted', async () => {
    clock.at = Date.UTC(2026, 10, 23, 12);
    await chat(a, BOB);
    clock.at = Date.UTC(2026, 10, 24, 12);
    await chat(b, BOB);
    await chat(a, BOB);
    await waitFor(async () => {
      const res = await request(b.app.getHttpServer())
        .get('/usage/history?days=2')
        .set(bearer(BOB));
      return res.body.keys?.[0]?.days?.[1]?.totals.requests === 2;
    });
    const res = await request(b.app.getHttpServer())
      .get('/usage/history?days=2')
      .set(bearer(BOB));
    expect(
      res.body.keys[0].days.map((d: any) => [
        d.date,
        d.totals.requests,
        d.totals.nanoAiu,
      ]),
    ).toEqual([
      ['2026-11-23', 1, 1_234_000],
      ['2026-11-24', 2, 2 * 1_234_000],
    ]);
  });
});
