import { createHash } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { createServer, Server } from 'node:net';
import request from 'supertest';
import { MetricsServer } from '../src/metrics/metrics-server';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, readSse, waitFor } from './support/http-client';
import { freePort } from './support/redis-server';
import { spawnApp, SpawnedApp, useSpawnedApps } from './support/spawn-app';
import {
  emptyConfigHome,
  startApp,
  TestApp,
  useFakeAndProxy,
  useStaticFakeAndProxy,
  FIXTURE_COPILOT_TOKEN,
} from './support/test-app';

const TOKEN = 'test-copilot-token';
/** A static token shaped like Copilot's, expired in 2001. */
const EXPIRED = 'tid=abc;exp=1000000000;sku=free;proxy-ep=proxy.fake';

describe('first hour: an expired static COPILOT_TOKEN', () => {
  const ctx = useFakeAndProxy((fake) => ({
    COPILOT_TOKEN: EXPIRED,
    COPILOT_API_BASE_URL: fake.url,
  }));

  it('answers 401 copilot_token_expired without asking the upstream, and is not ready', async () => {
    const before = ctx.fake.requests.length;
    const res = await request(ctx.proxy.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .send('{"model":"gpt-4o","messages":[]}');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({
      code: 'copilot_token_expired',
      type: 'authentication_error',
    });
    expect(res.text).not.toContain('tid=abc');
    expect(ctx.fake.requests.length).toBe(before);
    const ready = await request(ctx.proxy.app.getHttpServer()).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.text).toContain('expired');
  });
});

describe("first hour: errors in the client's own shape", () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  let down: TestApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_API_KEYS: 'good-key',
      RATE_LIMIT_MAX: '2',
    });
    const closed = await new FakeCopilotApi().start();
    const url = closed.url;
    await closed.stop();
    down = await startApp({ COPILOT_TOKEN: TOKEN, COPILOT_API_BASE_URL: url });
  });
  afterAll(async () => {
    await proxy.close();
    await down.close();
    await fake.stop();
  });

  const anthropic = (app: TestApp, apiKey: string) =>
    new Anthropic({ baseURL: app.url, apiKey, maxRetries: 0 });
  const ask = (client: Anthropic) =>
    client.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'Hi' }],
    });

  it("the Anthropic SDK reads the proxy's 401, 429 and 502 on /v1/messages", async () => {
    const unauthorized = await ask(anthropic(proxy, 'wrong-key')).catch(
      (e: unknown) => e,
    );
    expect(unauthorized).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((unauthorized as Error).message).toContain('Invalid API key');
    expect(
      (unauthorized as InstanceType<typeof Anthropic.APIError>).error,
    ).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key' },
    });

    const good = anthropic(proxy, 'good-key');
    await ask(good);
    await ask(good);
    const limited = await ask(good).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as Error).message).toContain('Rate limit exceeded');

    const unreachable = await ask(anthropic(down, 'any')).catch(
      (e: unknown) => e,
    );
    expect(unreachable).toBeInstanceOf(Anthropic.APIError);
    expect(
      (unreachable as InstanceType<typeof Anthropic.APIError>).status,
    ).toBe(502);
    expect((unreachable as Error).message).toContain(
      'The Copilot API could not be reached',
    );
  });

  it('keeps the OpenAI shape elsewhere', async () => {
    const server = down.app.getHttpServer();
    const openai = await request(server).trace('/v1/chat/completions');
    expect(openai.status).toBe(405);
    expect(openai.body).toEqual({
      error: {
        message: 'TRACE is not allowed through this proxy',
        type: 'invalid_request_error',
        code: 'method_not_allowed',
      },
    });
    const anthropicShaped = await request(server).trace('/v1/messages');
    expect(anthropicShaped.body).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'TRACE is not allowed through this proxy',
      },
    });
  });
});

describe('first hour: a 429 carries X-RateLimit-* too', () => {
  const ctx = useStaticFakeAndProxy({ RATE_LIMIT_MAX: '2' });

  it('tells the window on the refusal as on the answers before it', async () => {
    const server = ctx.proxy.app.getHttpServer();
    await request(server).get('/v1/models');
    await request(server).get('/v1/models');
    const limited = await request(server).get('/v1/models');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
    expect(limited.headers['x-ratelimit-limit']).toBe('2');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('first hour: METRICS_PORT', () => {
  const ctx = useStaticFakeAndProxy({ METRICS_PORT: '0' });

  it('serves /metrics on its own port only, and never forwards it', async () => {
    const before = ctx.fake.requests.length;
    const onProxy = await request(ctx.proxy.app.getHttpServer()).get(
      '/metrics',
    );
    expect(onProxy.status).toBe(404);
    expect(onProxy.body.error.code).toBe('not_found');
    expect(ctx.fake.requests.length).toBe(before);
    const port = ctx.proxy.app.get(MetricsServer).address!.port;
    const scraped = await rawRequest(`http://127.0.0.1:${port}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.body.toString()).toContain('copilot_proxy_requests_total');
  });
});

describe('first hour: the process', () => {
  let fake: FakeCopilotApi;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());
  const start = useSpawnedApps(() => ({
    COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
    COPILOT_API_BASE_URL: fake.url,
    XDG_CONFIG_HOME: emptyConfigHome(),
  }));
  const lines = (app: SpawnedApp) =>
    app
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);

  it('says what this instance is in one start-up line, without Nest boot chatter', async () => {
    const app = await start({});
    await waitFor(() => app.stdout().includes('models:'));
    const line = lines(app).find((l) => /listening on/.test(l.msg));
    expect(line!.msg).toMatch(
      /^copilot-proxy listening on http:\/\/127\.0\.0\.1:\d+ — token: static \(COPILOT_TOKEN\); upstream: 127\.0\.0\.1:\d+; keys: off; rate limit: off; initiator: auto; response cache: off; models: 10$/,
    );
    expect(app.stdout()).not.toMatch(
      /InstanceLoader|RoutesResolver|RouterExplorer/,
    );
    expect(typeof line!.time).toBe('string');
    expect(new Date(line!.time).toISOString()).toBe(line!.time);
  });

  it('writes pretty lines with LOG_FORMAT=pretty, JSON lines otherwise (no terminal here)', async () => {
    const pretty = await start({ LOG_FORMAT: 'pretty' });
    await rawRequest(pretty.url + '/v1/models');
    await waitFor(() => /GET \/v1\/models 200/.test(pretty.stdout()));
    const line = pretty
      .stdout()
      .split('\n')
      .find((l) => l.includes('GET /v1/models 200'))!;
    expect(line.startsWith('{')).toBe(false);
    expect(line).toMatch(/INFO/);
    const json = await start({});
    expect(json.stdout().split('\n')[0].startsWith('{')).toBe(true);
  });

  it('warns at start about an expired static token', async () => {
    const app = await start({ COPILOT_TOKEN: EXPIRED });
    await waitFor(() => app.stdout().includes('COPILOT_TOKEN expired'));
    expect(app.stdout()).not.toContain('tid=abc');
  });

  it('logs probes at debug only, and requests with model, stream, key, timings and the start of an upstream error', async () => {
    const app = await start({ PROXY_API_KEYS: 'log-key', LOG_LEVEL: 'info' });
    await rawRequest(app.url + '/healthz');
    await readSse(app.url + '/v1/chat/completions', {
      headers: {
        authorization: 'Bearer log-key',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    await rawRequest(
      app.url + '/_test/rate-limited?limit=global-usage-5-hour-key',
      {
        headers: { authorization: 'Bearer log-key' },
      },
    );
    await waitFor(() => lines(app).filter((l) => l.req).length >= 2);
    const requests = lines(app).filter((l) => l.req);
    expect(requests.some((l) => l.req.path === '/healthz')).toBe(false);
    const chat = requests.find((l) => l.req.path === '/v1/chat/completions')!;
    expect(chat).toMatchObject({
      level: 30,
      // PROXY_API_KEYS keys are named by their digest's first 8 hex digits.
      key: `key-${createHash('sha256').update('log-key').digest('hex').slice(0, 8)}`,
      model: 'gpt-4o',
      initiator: 'user',
      stream: true,
      upstreamStatus: 200,
    });
    expect(chat.upstreamMs).toBeGreaterThan(0);
    expect(chat.firstByteMs).toBeGreaterThanOrEqual(chat.upstreamMs);
    expect(new Date(chat.time).toISOString()).toBe(chat.time);
    const limited = requests.find((l) => l.req.path === '/_test/rate-limited')!;
    expect(limited.level).toBe(40);
    expect(limited.upstreamError).toContain('"code":"rate_limited"');
    expect(limited.upstreamError.length).toBeLessThanOrEqual(200);
    expect(app.stdout()).not.toContain('log-key');

    const debug = await start({ LOG_LEVEL: 'debug' });
    await rawRequest(debug.url + '/healthz');
    await waitFor(() => lines(debug).some((l) => l.req?.path === '/healthz'));
    expect(lines(debug).find((l) => l.req?.path === '/healthz')!.level).toBe(
      20,
    );
  });

  it('exits at once on a second signal during the drain', async () => {
    const app = await start({ SHUTDOWN_TIMEOUT_MS: '20000' });
    let signalled = false;
    const stream = readSse(app.url + '/_test/sse?events=200&interval=50', {
      method: 'GET',
      onEvent: () => {
        if (signalled) return;
        signalled = true;
        app.proc.kill('SIGTERM');
        setTimeout(() => app.proc.kill('SIGINT'), 200);
      },
    });
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect((await stream).ending).toBe('error');
    expect(app.stdout()).toContain('SIGINT again: exiting now');
  });
});

describe('first hour: start-up failures in one line', () => {
  const failure = async (env: Record<string, string>) => {
    const app = await spawnApp(
      { XDG_CONFIG_HOME: emptyConfigHome(), ...env },
      { waitForListen: false },
    );
    expect((await app.exited).code).not.toBe(0);
    const err = app.stderr().trim();
    expect(err.split('\n')[0]).toMatch(/^copilot-proxy failed to start: /);
    expect(err).not.toMatch(/\n\s+at /);
    return err;
  };

  it('names TRUST_PROXY when it is not a valid setting', async () => {
    const err = await failure({ COPILOT_TOKEN: TOKEN, TRUST_PROXY: 'yes' });
    expect(err).toContain('TRUST_PROXY must be');
  });

  it('names PROXY_PORT when the port is in use', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const err = await failure({
        COPILOT_TOKEN: TOKEN,
        PROXY_PORT: String(port),
      });
      expect(err).toBe(
        `copilot-proxy failed to start: PROXY_PORT=${port} is already in use on 127.0.0.1 (EADDRINUSE): stop what listens there or choose another PROXY_PORT`,
      );
    } finally {
      blocker.close();
    }
  });

  it('refuses a personal access token as GITHUB_TOKEN, without echoing it', async () => {
    const err = await failure({ GITHUB_TOKEN: 'ghp_' + 'x'.repeat(36) });
    expect(err).toContain('GITHUB_TOKEN is a personal access token');
    expect(err).toContain('npm run login');
    expect(err).not.toContain('x'.repeat(36));
  });
});
