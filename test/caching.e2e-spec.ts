import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { CacheStore, MemoryCacheStore } from '../src/cache/cache-store';
import { ModelCatalog } from '../src/models/model-catalog.service';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, waitFor } from './support/http-client';
import {
  redisConnected,
  TestApp,
  useRedisPair,
  useStaticFakeAndProxy,
} from './support/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const json = { 'content-type': 'application/json' };
const question = (text: string, stream = false) =>
  JSON.stringify({
    model: 'gpt-4o',
    stream,
    messages: [{ role: 'user', content: text }],
  });
const chatCalls = (fake: FakeCopilotApi) =>
  fake.requests.filter((r) => r.url === '/chat/completions').length;

describe('caching: /models', () => {
  const ctx = useStaticFakeAndProxy({ MODELS_CACHE_TTL_MS: '500' });
  const server = () => ctx.proxy.app.getHttpServer();

  it('serves /models and /v1/models from the cache the start-up fetch filled', async () => {
    const before = ctx.fake.modelsRequests;
    for (const path of ['/models', '/v1/models']) {
      const res = await request(server()).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['x-cache']).toBe('HIT');
      expect(res.headers['content-type']).toContain('application/json');
      expect(res.body.data[0].id).toBe('gpt-4o');
      expect(Number(res.headers.age)).toBeGreaterThanOrEqual(0);
    }
    expect(ctx.fake.modelsRequests).toBe(before);
  });

  it('fetches fresh on Cache-Control: no-cache', async () => {
    const before = ctx.fake.modelsRequests;
    const res = await request(server())
      .get('/v1/models')
      .set('cache-control', 'no-cache');
    expect(res.headers['x-cache']).toBe('MISS');
    expect(ctx.fake.modelsRequests).toBe(before + 1);
  });

  it('refreshes in the background before the entry goes stale', async () => {
    const before = ctx.fake.modelsRequests;
    await sleep(900);
    expect(ctx.fake.modelsRequests).toBeGreaterThanOrEqual(before + 1);
    const res = await request(server()).get('/models');
    expect(res.headers['x-cache']).toBe('HIT');
  });

  it('serves a stale entry while the upstream fails, up to the TTL past its age', async () => {
    ctx.fake.modelsFailure = { status: 503 };
    try {
      await sleep(650); // the entry is past its TTL; the background refresh failed
      const stale = await request(server()).get('/models');
      expect(stale.status).toBe(200);
      expect(stale.headers['x-cache']).toBe('STALE');
      expect(stale.body.data[0].id).toBe('gpt-4o');
      await sleep(500); // now more than twice the TTL old: the error passes
      const failed = await request(server()).get('/models');
      expect(failed.status).toBe(503);
      expect(failed.headers['x-cache']).toBe('MISS');
    } finally {
      ctx.fake.modelsFailure = undefined;
    }
  });

  it('makes one upstream call for 100 concurrent requests after expiry', async () => {
    // The upstream answer is held until all 100 requests wait for the one fetch, so
    // none can come late and find the fresh entry (a HIT), however loaded the cores.
    const catalog = ctx.proxy.app.get(ModelCatalog);
    clearTimeout(catalog['timer']); // no background fetch refreshes the entry
    await waitFor(
      () => Date.now() - catalog.entry()!.storedAt >= catalog.ttlMs,
    );
    const refresh = jest.spyOn(catalog, 'refresh');
    const release = ctx.fake.holdAnswers('/models');
    try {
      const before = ctx.fake.modelsRequests;
      const pending = Promise.all(
        Array.from({ length: 100 }, () => request(server()).get('/models')),
      );
      await waitFor(() => refresh.mock.calls.length >= 100, 20_000);
      release();
      const answers = await pending;
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(answers.every((a) => a.headers['x-cache'] === 'MISS')).toBe(true);
      expect(ctx.fake.modelsRequests).toBe(before + 1);
    } finally {
      release();
      refresh.mockRestore();
    }
    const metrics = (await request(server()).get('/metrics')).text;
    expect(metrics).toMatch(
      /copilot_proxy_cache_total\{cache="models",result="hit"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /copilot_proxy_cache_total\{cache="models",result="stale"\} 1/,
    );
  });
});

describe('caching: responses, opt-in', () => {
  const ctx = useStaticFakeAndProxy({
    RESPONSE_CACHE: 'opt-in',
    RESPONSE_CACHE_TTL_MS: '400',
    PROXY_API_KEYS: 'key-a,key-b',
  });
  const server = () => ctx.proxy.app.getHttpServer();
  const ask = (body: string, headers: Record<string, string> = {}) =>
    request(server())
      .post('/v1/chat/completions')
      .set({ ...json, authorization: 'Bearer key-a', ...headers })
      .send(body);

  it('caches only requests that carry max-age, and answers a hit without the upstream', async () => {
    const before = chatCalls(ctx.fake);
    const plain1 = await ask(question('plain'));
    const plain2 = await ask(question('plain'));
    expect(plain1.headers['x-cache']).toBeUndefined();
    expect(plain2.headers['x-cache']).toBeUndefined();
    expect(chatCalls(ctx.fake)).toBe(before + 2);

    const miss = await ask(question('cached'), {
      'cache-control': 'max-age=60',
    });
    expect(miss.headers['x-cache']).toBe('MISS');
    const hit = await ask(question('cached'), {
      'cache-control': 'max-age=60',
    });
    expect(hit.status).toBe(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.text).toBe(miss.text);
    expect(chatCalls(ctx.fake)).toBe(before + 3);
  });

  it('replays a streamed answer byte for byte, as an event stream', async () => {
    const body = question('stream me', true);
    const headers = {
      ...json,
      authorization: 'Bearer key-a',
      'cache-control': 'max-age=60',
    };
    const first = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
      method: 'POST',
      headers,
      body,
    });
    const second = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
      method: 'POST',
      headers,
      body,
    });
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['content-type']).toBe('text/event-stream');
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.body.toString()).toContain('data: [DONE]\n\n');
    expect(second.headers.age).toBeDefined();
  });

  it('misses for another key, another body, or an answer older than max-age', async () => {
    await ask(question('keyed'), { 'cache-control': 'max-age=60' });
    const otherKey = await ask(question('keyed'), {
      'cache-control': 'max-age=60',
      authorization: 'Bearer key-b',
    });
    expect(otherKey.headers['x-cache']).toBe('MISS');
    const otherBody = await ask(question('keyed!'), {
      'cache-control': 'max-age=60',
    });
    expect(otherBody.headers['x-cache']).toBe('MISS');
    await sleep(1100);
    const tooOld = await ask(question('keyed'), {
      'cache-control': 'max-age=1',
    });
    expect(tooOld.headers['x-cache']).toBe('MISS');
  });

  it('lets entries expire after RESPONSE_CACHE_TTL_MS', async () => {
    await ask(question('short-lived'), { 'cache-control': 'max-age=60' });
    expect(
      (await ask(question('short-lived'), { 'cache-control': 'max-age=60' }))
        .headers['x-cache'],
    ).toBe('HIT');
    await sleep(450);
    expect(
      (await ask(question('short-lived'), { 'cache-control': 'max-age=60' }))
        .headers['x-cache'],
    ).toBe('MISS');
  });

  it('stores no error answer and no stream cut short', async () => {
    const broken = '{"model":"gpt-4o","messages":';
    await ask(broken, { 'cache-control': 'max-age=60' });
    const again = await ask(broken, { 'cache-control': 'max-age=60' });
    expect(again.status).toBe(400);
    expect(again.headers['x-cache']).toBe('MISS');

    const body = question('cut short', true);
    const headers = {
      ...json,
      authorization: 'Bearer key-a',
      'cache-control': 'max-age=60',
      'x-fake-events': '50',
      'x-fake-interval-ms': '20',
    };
    // The client reads the first events, then hangs up: the stream is cut short.
    await new Promise<void>((resolve) => {
      const req = httpRequest(
        ctx.proxy.url + '/v1/chat/completions',
        { method: 'POST', headers },
        (res) => res.once('data', () => (req.destroy(), resolve())),
      );
      req.on('error', () => resolve());
      req.end(body);
    });
    await ctx.fake.waitForAbort('/chat/completions');
    const after = await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
      method: 'POST',
      headers: { ...headers, 'x-fake-events': '2' },
      body,
    });
    expect(after.headers['x-cache']).toBe('MISS');
  });
});

describe('caching: responses, all', () => {
  const ctx = useStaticFakeAndProxy({
    RESPONSE_CACHE: 'all',
    RESPONSE_CACHE_MAX_BYTES: '3000',
  });
  const server = () => ctx.proxy.app.getHttpServer();
  const ask = (body: string, headers: Record<string, string> = {}) =>
    request(server())
      .post('/chat/completions')
      .set({ ...json, ...headers })
      .send(body);

  it('caches every request; no-cache fetches fresh and stores; no-store neither looks up nor stores', async () => {
    expect((await ask(question('all-1'))).headers['x-cache']).toBe('MISS');
    expect((await ask(question('all-1'))).headers['x-cache']).toBe('HIT');
    const before = chatCalls(ctx.fake);
    const fresh = await ask(question('all-1'), { 'cache-control': 'no-cache' });
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(chatCalls(ctx.fake)).toBe(before + 1);
    const skipped = await ask(question('all-2'), {
      'cache-control': 'no-store',
    });
    expect(skipped.headers['x-cache']).toBeUndefined();
    expect((await ask(question('all-2'))).headers['x-cache']).toBe('MISS');
  });

  it('keeps memory within RESPONSE_CACHE_MAX_BYTES, least recently used out first', async () => {
    const store = ctx.proxy.app.get<MemoryCacheStore>(CacheStore);
    for (let i = 0; i < 10; i++) await ask(question(`evict-${i}`));
    expect(store.heldBytes).toBeLessThanOrEqual(3000);
    expect((await ask(question('evict-9'))).headers['x-cache']).toBe('HIT');
    expect((await ask(question('evict-0'))).headers['x-cache']).toBe('MISS');
  });

  it('counts hits, misses, stores and bypasses apart, and a hit spends no quota', async () => {
    const totals = async () =>
      (await request(server()).get('/usage')).body.periods[0].totals;
    await ask(question('metered'));
    const spent = await totals();
    expect((await ask(question('metered'))).headers['x-cache']).toBe('HIT');
    const after = await totals();
    expect(after.requests).toBe(spent.requests);
    expect(after.promptTokens).toBe(spent.promptTokens);
    // Metered apart: the key's hits are counted on their own.
    expect(after.cacheHits).toBe(spent.cacheHits + 1);
    const metrics = (await request(server()).get('/metrics')).text;
    for (const result of ['hit', 'miss', 'store', 'bypass']) {
      expect(metrics).toMatch(
        new RegExp(
          `copilot_proxy_cache_total\\{cache="response",result="${result}"\\} [1-9]`,
        ),
      );
    }
  });
});

describe('caching: responses shared through one Redis', () => {
  const pair = useRedisPair({ RESPONSE_CACHE: 'all' });

  const ask = (app: TestApp, body: string) =>
    request(app.app.getHttpServer())
      .post('/chat/completions')
      .set(json)
      .send(body);

  it('a second replica answers from the entry the first stored', async () => {
    expect((await ask(pair.a, question('shared'))).headers['x-cache']).toBe(
      'MISS',
    );
    await sleep(100);
    const before = chatCalls(pair.fake);
    const hit = await ask(pair.b, question('shared'));
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body.choices[0].message.content).toBe('Hello from the fake.');
    expect(chatCalls(pair.fake)).toBe(before);
  });

  it('treats Redis down as misses, never errors', async () => {
    await pair.redis.stop();
    try {
      const res = await ask(pair.a, question('shared'));
      expect(res.status).toBe(200);
      expect(res.headers['x-cache']).toBe('MISS');
    } finally {
      await pair.redis.start();
      // Both replicas back on the new Redis before the apps close: a client
      // still waiting to reconnect leaves a 2 s disconnect timer on its dead
      // socket, and the jest worker cannot exit.
      await waitFor(
        () => redisConnected(pair.a) && redisConnected(pair.b),
        10_000,
      );
    }
  });
});
