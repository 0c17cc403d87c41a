import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Clock } from '../src/usage/clock';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, readSse, waitFor } from './support/http-client';
import { spawnApp } from './support/spawn-app';
import {
  emptyConfigHome,
  redisConnected,
  startApp,
  TestApp,
  useDynamicFakeAndProxy,
  useRedisPair,
} from './support/test-app';

const TOKEN = 'test-copilot-token';
const ALICE = 'sk-alice-0123456789';
const BOB = 'sk-bob-0123456789';
const ADMIN = 'sk-admin-0123456789';
const CAPPED = 'sk-capped-0123456789';
const PREMIUM = 'sk-premium-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (key: string) => createHash('sha256').update(key).digest('hex');

/** A keys file in a fresh folder; returns its path. */
function keysFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'copilot-keys-')), 'keys.yaml');
  writeFileSync(file, yaml);
  return file;
}

const KEYS = `
keys:
  - name: alice
    key: ${ALICE}
  - name: bob
    digest: sha256:${sha(BOB)}
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
  - name: capped
    key: ${CAPPED}
    quota: { period: day, tokens: 12 }
  - name: premium
    key: ${PREMIUM}
    quota: { period: month, premiumRequests: 10 }
`;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const chat = (model: string, last: 'user' | 'tool', stream = false) =>
  JSON.stringify({
    model,
    stream,
    messages:
      last === 'user'
        ? [{ role: 'user', content: 'Hi' }]
        : [
            { role: 'user', content: 'Hi' },
            {
              role: 'assistant',
              tool_calls: [
                {
                  id: 'c1',
                  type: 'function',
                  function: { name: 'f', arguments: '{}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'c1', content: 'ok' },
          ],
  });

/** A clock the tests move. */
class TestClock extends Clock {
  at = Date.UTC(2026, 10, 24, 12);
  now(): number {
    return this.at;
  }
}

describe('usage metering, named keys and quotas', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  const clock = new TestClock();
  const server = () => proxy.app.getHttpServer();
  const usageOf = async (key: string) =>
    (await request(server()).get('/usage').set(bearer(key))).body;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    fake.copilotUsage = true;
    proxy = await startApp(
      {
        COPILOT_TOKEN: TOKEN,
        COPILOT_API_BASE_URL: fake.url,
        PROXY_KEYS_FILE: keysFile(KEYS),
      },
      (builder) => builder.overrideProvider(Clock).useValue(clock),
    );
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  it('counts requests, premium requests, tokens and nano-AIU per key and model, from every answer shape', async () => {
    // alice: a streamed chat completion on a person's turn (premium: gpt-4o × 1) …
    const stream = await readSse(proxy.url + '/v1/chat/completions', {
      headers: { ...bearer(ALICE), 'content-type': 'application/json' },
      body: chat('gpt-4o', 'user', true),
    });
    expect(stream.ending).toBe('end');
    // … and a non-streamed agent turn (no premium request).
    await request(server())
      .post('/v1/chat/completions')
      .set(bearer(ALICE))
      .set('content-type', 'application/json')
      .send(chat('claude-sonnet-4', 'tool'));
    // bob (a digest in the keys file): a streamed Anthropic message.
    await readSse(proxy.url + '/v1/messages', {
      headers: { 'x-api-key': BOB, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'claude-sonnet-4',
        stream: true,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    // bob: a Responses stream and embeddings.
    await readSse(proxy.url + '/v1/responses', {
      headers: { ...bearer(BOB), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'Hi' }),
    });
    await request(server())
      .post('/v1/embeddings')
      .set(bearer(BOB))
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({ model: 'text-embedding-3-small', input: ['a', 'b'] }),
      );

    const alice = await usageOf(ALICE);
    expect(alice.key).toBe('alice');
    expect(alice.keys).toBeUndefined();
    const aliceDay = alice.periods.find(
      (p: { period: string }) => p.period === 'day',
    );
    expect(aliceDay.models['gpt-4o']).toEqual({
      requests: 1,
      premiumRequests: 1,
      promptTokens: 5,
      cachedTokens: 0,
      completionTokens: 5,
      nanoAiu: 1234000,
      cacheHits: 0,
    });
    expect(aliceDay.models['claude-sonnet-4']).toMatchObject({
      requests: 1,
      premiumRequests: 0,
      promptTokens: 5,
      cachedTokens: 2,
      completionTokens: 4,
    });
    expect(aliceDay.totals.requests).toBe(2);

    const bobDay = (await usageOf(BOB)).periods.find(
      (p: { period: string }) => p.period === 'day',
    );
    expect(bobDay.models['claude-sonnet-4']).toMatchObject({
      requests: 1,
      premiumRequests: 1,
      promptTokens: 11,
      cachedTokens: 3,
      completionTokens: 7,
    });
    // gpt-4.1 has a multiplier of 0 on this account: no premium request.
    expect(bobDay.models['gpt-4.1']).toMatchObject({
      requests: 1,
      premiumRequests: 0,
      promptTokens: 9,
      cachedTokens: 1,
      completionTokens: 3,
    });
    // A model the account does not list is counted as "other": names a client
    // makes up cannot grow a key's counters without bound.
    expect(bobDay.models['text-embedding-3-small']).toBeUndefined();
    expect(bobDay.models.other).toMatchObject({
      requests: 1,
      premiumRequests: 0,
      promptTokens: 2,
    });

    // Series by key name: for a key that may read all usage (issue 24).
    const metrics = (await request(server()).get('/metrics').set(bearer(ADMIN)))
      .text;
    expect(metrics).toContain(
      'copilot_proxy_tokens_total{key="alice",model="gpt-4o",kind="prompt"} 5',
    );
    expect(metrics).toContain(
      'copilot_proxy_tokens_total{key="bob",model="claude-sonnet-4",kind="cached"} 3',
    );
    expect(metrics).toContain(
      'copilot_proxy_premium_requests_total{key="alice",model="gpt-4o"} 1',
    );
    // A model the account does not list is labelled "other": labels stay bounded.
    expect(metrics).toContain(
      'copilot_proxy_tokens_total{key="bob",model="other",kind="prompt"} 2',
    );
    for (const secret of [ALICE, BOB, ADMIN, TOKEN]) {
      expect(metrics).not.toContain(secret);
    }
  });

  it('refuses a key past its token budget with 429 before the upstream sees it, and tells the budget on every answer', async () => {
    const send = () =>
      request(server())
        .post('/v1/chat/completions')
        .set(bearer(CAPPED))
        .set('content-type', 'application/json')
        .send(chat('gpt-4o', 'tool'));
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers['x-quota-limit']).toBe('12');
    expect(first.headers['x-quota-remaining']).toBe('12');
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.headers['x-quota-remaining']).toBe('3');

    const before = fake.requests.length;
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'quota_exceeded',
    });
    expect(refused.headers['x-quota-remaining']).toBe('0');
    // Noon UTC: the day resets in 12 hours.
    expect(refused.headers['retry-after']).toBe(String(12 * 3600));
    expect(refused.headers['x-quota-reset']).toBe(String(12 * 3600));
    expect(fake.requests.length).toBe(before);
    // Every proxied request, the cached /models included.
    const models = await request(server())
      .get('/v1/models')
      .set(bearer(CAPPED));
    expect(models.status).toBe(429);
    const metrics = (await request(server()).get('/metrics').set(bearer(ADMIN)))
      .text;
    expect(metrics).toContain(
      'copilot_proxy_quota_rejections_total{key="capped"} 2',
    );
  });

  it('opens the budget again when the period resets', async () => {
    clock.at = Date.UTC(2026, 10, 25, 0, 0, 1);
    const res = await request(server())
      .post('/v1/chat/completions')
      .set(bearer(CAPPED))
      .set('content-type', 'application/json')
      .send(chat('gpt-4o', 'tool'));
    expect(res.status).toBe(200);
    expect(res.headers['x-quota-remaining']).toBe('12');
  });

  it('counts premium requests by the model multiplier against a premium budget', async () => {
    const send = () =>
      request(server())
        .post('/v1/chat/completions')
        .set(bearer(PREMIUM))
        .set('content-type', 'application/json')
        .send(chat('claude-opus-4', 'user'));
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('premium requests');
    const month = (await usageOf(PREMIUM)).periods.find(
      (p: { period: string }) => p.period === 'month',
    );
    expect(month.budgets).toEqual([
      { kind: 'premiumRequests', limit: 10, used: 10, remaining: 0 },
    ]);
  });

  it("shows everyone's usage and the account quota only to a key that may read all", async () => {
    fake.quotaSnapshot =
      'ent=300&ov=0.0&ovPerm=false&rem=87.5&rst=2026-12-01T00:00:00Z';
    await request(server())
      .post('/v1/chat/completions')
      .set(bearer(ALICE))
      .set('content-type', 'application/json')
      .send(chat('gpt-4o', 'tool'));
    const all = await usageOf(ADMIN);
    expect(all.keys.map((k: { key: string }) => k.key)).toEqual([
      'alice',
      'bob',
      'admin',
      'capped',
      'premium',
    ]);
    expect(all.account.copilot).toBeNull(); // static mode: no GitHub token to ask with
    expect(
      all.account.quotaSnapshots.premium_interactions.fields,
    ).toMatchObject({
      ent: '300',
      rem: '87.5',
    });
    const text = JSON.stringify(all);
    for (const secret of [ALICE, BOB, ADMIN, sha(BOB), TOKEN]) {
      expect(text).not.toContain(secret);
    }
    expect((await request(server()).get('/usage')).status).toBe(401);
  });

  it('charges a stream cut before its usage at least its prompt, estimated from the body', async () => {
    const body = chat('claude-haiku-4.5', 'user', true);
    await new Promise<void>((resolve) => {
      const req = httpRequest(
        proxy.url + '/v1/chat/completions',
        {
          method: 'POST',
          headers: {
            ...bearer(ALICE),
            'content-type': 'application/json',
            'x-fake-events': '50',
            'x-fake-interval-ms': '20',
          },
        },
        (res) => res.once('data', () => (req.destroy(), resolve())),
      );
      req.on('error', () => resolve());
      req.end(body);
    });
    await fake.waitForAbort('/chat/completions');
    await sleep(50);
    const day = (await usageOf(ALICE)).periods.find(
      (p: { period: string }) => p.period === 'day',
    );
    expect(day.models['claude-haiku-4.5']).toMatchObject({
      requests: 1,
      promptTokens: Math.ceil(Buffer.byteLength(body) / 4),
      completionTokens: 0,
    });
  });

  it('asks model endpoints for uncompressed answers, so usage can be read', async () => {
    await request(server())
      .post('/v1/chat/completions')
      .set(bearer(ALICE))
      .set('content-type', 'application/json')
      .set('accept-encoding', 'gzip, br')
      .send(chat('gpt-4o', 'tool'));
    const seen = fake.requests
      .filter((r) => r.url === '/chat/completions')
      .at(-1)!;
    expect(seen.headers['accept-encoding']).toBeUndefined();
  });

  it('counts upstream 429s by the limit they name', async () => {
    await request(server())
      .get('/_test/rate-limited?limit=global-usage-5-hour-key')
      .set(bearer(ALICE));
    await request(server()).get('/_test/rate-limited').set(bearer(ALICE));
    const metrics = (await request(server()).get('/metrics')).text;
    expect(metrics).toContain(
      'copilot_proxy_upstream_rate_limited_total{limit="global-usage-5-hour-key"} 1',
    );
    expect(metrics).toContain(
      'copilot_proxy_upstream_rate_limited_total{limit="unknown"} 1',
    );
  });
});

describe('usage: the Copilot account quota in dynamic mode', () => {
  const ctx = useDynamicFakeAndProxy();

  it('relays copilot_internal/user, fetched at most once a minute', async () => {
    const first = await request(ctx.proxy.app.getHttpServer()).get('/usage');
    expect(first.status).toBe(200);
    expect(first.body.key).toBe('anonymous');
    expect(
      first.body.account.copilot.quota_snapshots.premium_interactions,
    ).toMatchObject({ entitlement: 300, remaining: 262.5 });
    await request(ctx.proxy.app.getHttpServer()).get('/usage');
    expect(ctx.fake.userInfoRequests).toBe(1);
    expect(JSON.stringify(first.body)).not.toContain('gho_');
  });
});

describe('usage: budgets shared through one Redis', () => {
  const pair = useRedisPair({ PROXY_KEYS_FILE: keysFile(KEYS) });

  const send = (app: TestApp) =>
    request(app.app.getHttpServer())
      .post('/v1/chat/completions')
      .set(bearer(CAPPED))
      .set('content-type', 'application/json')
      .send(chat('gpt-4o', 'tool'));

  it('two replicas enforce one budget', async () => {
    expect((await send(pair.a)).status).toBe(200);
    // Usage is added in Redis when the answer ends: give the write a moment.
    await sleep(100);
    const second = await send(pair.b);
    expect(second.status).toBe(200);
    expect(second.headers['x-quota-remaining']).toBe('3');
    await sleep(100);
    expect((await send(pair.a)).status).toBe(429);
    expect((await send(pair.b)).status).toBe(429);
  });

  it('keeps serving when Redis stops, and counts the failures', async () => {
    await pair.redis.stop();
    const res = await request(pair.a.app.getHttpServer())
      .post('/v1/chat/completions')
      .set(bearer(ALICE))
      .set('content-type', 'application/json')
      .send(chat('gpt-4o', 'tool'));
    expect(res.status).toBe(200);
    let metrics = '';
    for (let i = 0; i < 50; i++) {
      metrics = (await request(pair.a.app.getHttpServer()).get('/metrics'))
        .text;
      if (/^copilot_proxy_usage_storage_failures_total [1-9]/m.test(metrics))
        break;
      await sleep(50);
    }
    expect(metrics).toMatch(
      /^copilot_proxy_usage_storage_failures_total [1-9]/m,
    );
    await pair.redis.start();
    // Back on the new Redis before the apps close (a client still waiting to
    // reconnect would hold the jest worker for its 2 s disconnect timer).
    await waitFor(
      () => redisConnected(pair.a) && redisConnected(pair.b),
      10_000,
    );
  });
});

describe('usage: the keys file at start and on SIGHUP', () => {
  let fake: FakeCopilotApi;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());

  it('refuses to start on a bad keys file, listing every problem in one message', async () => {
    const app = await spawnApp(
      {
        COPILOT_TOKEN: TOKEN,
        COPILOT_API_BASE_URL: fake.url,
        XDG_CONFIG_HOME: emptyConfigHome(),
        PROXY_KEYS_FILE: keysFile(`
keys:
  - name: alice
    key: secret-value-1
  - name: alice
    key: secret-value-2
  - name: bad
    digest: sha256:nothex
  - name: extra
    key: secret-value-3
    colour: blue
`),
      },
      { waitForListen: false },
    );
    expect((await app.exited).code).not.toBe(0);
    const message = app.stderr();
    expect(message.match(/Invalid configuration/g)).toHaveLength(1);
    expect(message).toContain('key name "alice" is used twice');
    expect(message).toContain('digest must be sha256:<64 hex digits>');
    expect(message).toContain('unknown field "colour"');
    expect(message).not.toMatch(/secret-value/);
  });

  it('re-reads the file on SIGHUP without dropping a connection; a bad file keeps the old keys', async () => {
    const file = keysFile(`keys:\n  - name: alice\n    key: ${ALICE}\n`);
    const app = await spawnApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      XDG_CONFIG_HOME: emptyConfigHome(),
      PROXY_KEYS_FILE: file,
    });
    try {
      const models = (key: string) =>
        rawRequest(app.url + '/models', { headers: bearer(key) });
      expect((await models(ALICE)).status).toBe(200);
      expect((await models(BOB)).status).toBe(401);
      // A stream in flight across the reload keeps going.
      const stream = readSse(app.url + '/_test/sse?events=6&interval=100', {
        method: 'GET',
        headers: bearer(ALICE),
      });
      writeFileSync(file, `keys:\n  - name: bob\n    key: ${BOB}\n`);
      app.proc.kill('SIGHUP');
      await waitFor(() => app.stdout().includes('keys file reloaded'));
      expect((await models(BOB)).status).toBe(200);
      expect((await models(ALICE)).status).toBe(401);
      expect((await stream).ending).toBe('end');

      writeFileSync(file, 'keys:\n  - name: "not a name"\n');
      app.proc.kill('SIGHUP');
      await waitFor(() => app.stdout().includes('not reloaded'));
      expect((await models(BOB)).status).toBe(200);
      const logs = app.stdout() + app.stderr();
      expect(logs).not.toContain(BOB);
      expect(logs).not.toContain(ALICE);
      // The request line names the key, never the key itself.
      expect(logs).toMatch(/"key":"bob"/);
    } finally {
      app.proc.kill('SIGKILL');
    }
  });
});
