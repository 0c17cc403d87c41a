import request from 'supertest';
import {
  TestApp,
  useRedisPair,
  useStaticFakeAndProxy,
} from './support/test-app';

const KEY_1 = 'rate-key-one';
const KEY_2 = 'rate-key-two';
/** `GET /models` on `app` with `key` as a Bearer token. */
const modelsAs = (app: TestApp, key: string) =>
  request(app.app.getHttpServer())
    .get('/models')
    .set('Authorization', `Bearer ${key}`);
const statuses = (responses: { status: number }[]) =>
  responses.map((r) => r.status);

describe('rate limits per key (in memory)', () => {
  const ctx = useStaticFakeAndProxy({
    PROXY_API_KEYS: `${KEY_1},${KEY_2}`,
    RATE_LIMIT_MAX: '3',
    RATE_LIMIT_WINDOW_MS: '60000',
  });

  it('limits one key with 429, Retry-After and X-RateLimit headers while the other key is served', async () => {
    const first = await modelsAs(ctx.proxy, KEY_1);
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(first.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);

    const more = [
      await modelsAs(ctx.proxy, KEY_1),
      await modelsAs(ctx.proxy, KEY_1),
    ];
    expect(statuses(more)).toEqual([200, 200]);
    expect(more[1].headers['x-ratelimit-remaining']).toBe('0');

    const before = ctx.fake.requests.length;
    const limited = await request(ctx.proxy.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${KEY_1}`)
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    expect(ctx.fake.requests.length).toBe(before);

    const other = await modelsAs(ctx.proxy, KEY_2);
    expect(other.status).toBe(200);
    expect(other.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('never limits the probes or metrics', async () => {
    const server = ctx.proxy.app.getHttpServer();
    for (let i = 0; i < 10; i++) {
      expect((await request(server).get('/healthz')).status).toBe(200);
      expect((await request(server).get('/readyz')).status).toBe(200);
    }
    expect((await request(server).get('/metrics')).status).toBe(200);
  });
});

describe('rate limits per client IP when anonymous', () => {
  const ctx = useStaticFakeAndProxy({ RATE_LIMIT_MAX: '2' });

  it('counts by IP and ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const spoof = (ip: string) =>
      request(ctx.proxy.app.getHttpServer())
        .get('/models')
        .set('X-Forwarded-For', ip);
    const results = [
      await spoof('10.0.0.1'),
      await spoof('10.0.0.2'),
      await spoof('10.0.0.3'),
    ];
    expect(statuses(results)).toEqual([200, 200, 429]);
  });
});

describe.each(['true', 'loopback,uniquelocal'])(
  'rate limits per client IP behind a trusted proxy (TRUST_PROXY=%s)',
  (trust) => {
    const ctx = useStaticFakeAndProxy({
      RATE_LIMIT_MAX: '2',
      TRUST_PROXY: trust,
    });

    it('counts each X-Forwarded-For client apart on the proxied paths', async () => {
      const from = (ip: string) =>
        request(ctx.proxy.app.getHttpServer())
          .get('/models')
          .set('X-Forwarded-For', ip);
      const results = [
        await from('10.0.0.1'),
        await from('10.0.0.1'),
        await from('10.0.0.1'),
        await from('10.0.0.2'),
      ];
      expect(statuses(results)).toEqual([200, 200, 429, 200]);
    });
  },
);

describe('rate limits shared through Redis', () => {
  const pair = useRedisPair({
    PROXY_API_KEYS: `${KEY_1},${KEY_2}`,
    RATE_LIMIT_MAX: '4',
    RATE_LIMIT_WINDOW_MS: '2000',
  });

  it('two instances enforce one limit for a key', async () => {
    const results = [
      await modelsAs(pair.a, KEY_1),
      await modelsAs(pair.b, KEY_1),
      await modelsAs(pair.a, KEY_1),
      await modelsAs(pair.b, KEY_1),
      await modelsAs(pair.a, KEY_1),
      await modelsAs(pair.b, KEY_1),
    ];
    expect(statuses(results)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(results[3].headers['x-ratelimit-remaining']).toBe('0');
    expect((await modelsAs(pair.b, KEY_2)).status).toBe(200);
  });

  it('keeps serving while Redis is down (fail open, counted) and enforces again once it is back', async () => {
    await pair.redis.stop();
    const during = [];
    for (let i = 0; i < 8; i++) during.push(await modelsAs(pair.a, KEY_2));
    expect(statuses(during)).toEqual(Array(8).fill(200));
    const metrics = (await request(pair.a.app.getHttpServer()).get('/metrics'))
      .text;
    const failures =
      /^copilot_proxy_rate_limit_storage_failures_total (\d+)/m.exec(metrics);
    expect(Number(failures?.[1])).toBeGreaterThanOrEqual(8);

    await pair.redis.start();
    // ioredis reconnects on its own (backoff up to 2 s).
    const deadline = Date.now() + 8000;
    let limited = false;
    while (!limited && Date.now() < deadline) {
      limited = (await modelsAs(pair.a, KEY_2)).status === 429;
      if (!limited) await new Promise((r) => setTimeout(r, 50));
    }
    expect(limited).toBe(true);
  });
});
