import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { waitFor } from './support/http-client';
import {
  startApp,
  TestApp,
  useFakeAndProxy,
  useDynamicFakeAndProxy,
} from './support/test-app';

const GITHUB_TOKEN = 'gho_testGithubOauthToken';

describe('dynamic Copilot tokens (GITHUB_TOKEN exchange)', () => {
  describe('exchange and endpoints.api routing', () => {
    let github: FakeCopilotApi;
    let copilot: FakeCopilotApi;
    let proxy: TestApp;

    beforeAll(async () => {
      copilot = await new FakeCopilotApi({ copilotTokens: [] }).start();
      github = await new FakeCopilotApi({
        githubTokens: [GITHUB_TOKEN],
        endpointsApi: copilot.url,
      }).start();
      // Tokens the GitHub fake issues are valid on the Copilot fake.
      github.copilotTokens.add = (token: string) => (
        copilot.copilotTokens.add(token),
        github.copilotTokens
      );
      proxy = await startApp({ GITHUB_TOKEN, GITHUB_API_BASE_URL: github.url });
    });
    afterAll(async () => {
      await proxy.close();
      await github.stop();
      await copilot.stop();
    });

    it('exchanges the GitHub token with the editor headers and routes to endpoints.api', async () => {
      const res = await request(proxy.app.getHttpServer()).get('/v1/models');
      expect(res.status).toBe(200);
      const exchange = github.requests.find(
        (r) => r.url === '/copilot_internal/v2/token',
      )!;
      expect(exchange.method).toBe('GET');
      expect(exchange.headers.authorization).toBe(`token ${GITHUB_TOKEN}`);
      expect(exchange.headers['editor-version']).toBe('vscode/1.124.2');
      expect(exchange.headers['editor-plugin-version']).toBe(
        'copilot-chat/0.52.0',
      );
      expect(exchange.headers['x-github-api-version']).toBe('2025-04-01');
      const forwarded = copilot.requests.at(-1)!;
      expect(forwarded.url).toBe('/models');
      expect(forwarded.headers.authorization).toMatch(/^Bearer tid=fake-1;/);
      expect(github.tokenExchanges).toBe(1);
    });

    it('is ready once the token is held', async () => {
      const ready = await request(proxy.app.getHttpServer()).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.text).not.toContain('tid=');
    });
  });

  describe('refresh and 401 retry', () => {
    // Tokens live 4 s and ask to be refreshed after 1 s.
    const ctx = useDynamicFakeAndProxy(
      {},
      { tokenLifetimeSeconds: 4, refreshInSeconds: 1 },
    );

    it('refreshes ahead of expiry; requests before, around and after the refresh share one exchange', async () => {
      // 25 requests before the refresh, 25 while its exchange is held at the fake
      // (in flight), 25 once its token is in: moments marked by events, not the clock.
      await waitFor(() => ctx.fake.tokenExchanges >= 1);
      const before = ctx.fake.tokenExchanges;
      const exchanges = () =>
        ctx.fake.requests.filter((r) => r.url === '/copilot_internal/v2/token')
          .length;
      const sent = exchanges();
      // The refreshed token lives long: no second refresh comes into view.
      ctx.fake.options.tokenLifetimeSeconds = 1800;
      ctx.fake.options.refreshInSeconds = 1500;
      const release = ctx.fake.holdAnswers('/copilot_internal/v2/token');
      try {
        // superagent sends on `then`: start each request now, not at Promise.all.
        const get = () =>
          request(ctx.proxy.app.getHttpServer())
            .get('/models')
            .then((res) => res);
        const early = Array.from({ length: 25 }, get);
        await waitFor(() => exchanges() > sent, 10_000);
        const around = Array.from({ length: 25 }, get);
        release();
        await waitFor(() => ctx.fake.tokenExchanges > before, 10_000);
        const late = Array.from({ length: 25 }, get);
        const results = await Promise.all([...early, ...around, ...late]);
        expect(results.every((r) => r.status === 200)).toBe(true);
        expect(ctx.fake.tokenExchanges - before).toBe(1);
        expect(exchanges() - sent).toBe(1);
      } finally {
        release();
      }
    });
  });

  describe('401 from the Copilot API', () => {
    const ctx = useDynamicFakeAndProxy();

    it('on a revoked token: one refresh, one retry, every client gets 200', async () => {
      ctx.fake.revokeCopilotTokens();
      const before = ctx.fake.tokenExchanges;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(ctx.proxy.app.getHttpServer())
            .post('/chat/completions')
            .set('Content-Type', 'application/json')
            .send(
              JSON.stringify({
                model: 'gpt-4o',
                messages: [{ role: 'user', content: `request ${i}` }],
              }),
            ),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(ctx.fake.tokenExchanges - before).toBeGreaterThanOrEqual(1);
      expect(ctx.fake.tokenExchanges - before).toBeLessThanOrEqual(2);
      // The retried requests carried the same body as the first attempt.
      const bodies = ctx.fake.requests
        .filter((r) => r.url === '/chat/completions')
        .map((r) => r.body.toString());
      for (let i = 0; i < 20; i++) {
        expect(
          bodies.filter((b) => b.includes(`request ${i}"`)).length,
        ).toBeGreaterThanOrEqual(1);
      }
    });

    it('passes the 401 through when the body was too large to keep for a retry', async () => {
      ctx.fake.revokeCopilotTokens();
      const big = randomBytes(5 * 1024 * 1024);
      // A Buffer goes out as is, with no Content-Type added.
      const res = await request(ctx.proxy.app.getHttpServer())
        .post('/_test/echo')
        .send(big);
      expect(res.status).toBe(401);
      expect(res.text).toBe('unauthorized: token expired');
      // The proxy itself recovers on the next request.
      expect(
        (await request(ctx.proxy.app.getHttpServer()).get('/models')).status,
      ).toBe(200);
    });
  });

  describe('a GitHub token GitHub refuses', () => {
    const ctx = useFakeAndProxy(
      (fake) => ({
        GITHUB_TOKEN: 'gho_revokedToken',
        GITHUB_API_BASE_URL: fake.url,
        COPILOT_API_BASE_URL: fake.url,
      }),
      {
        githubTokens: ['gho_theRightOne'],
      },
    );

    it('answers clients 401 with a clear JSON error, never the token, and is not ready', async () => {
      const server = ctx.proxy.app.getHttpServer();
      const res = await request(server)
        .post('/v1/chat/completions')
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('github_token_rejected');
      expect(res.body.error.type).toBe('authentication_error');
      expect(res.text).not.toContain('gho_revokedToken');
      const ready = await request(server).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.copilot_token.status).toBe('down');
      expect(ready.text).not.toContain('gho_revokedToken');
      // Nothing reached the Copilot API.
      expect(ctx.fake.requests.some((r) => r.url.startsWith('/v1/chat'))).toBe(
        false,
      );
    });

    it('answers 503 while GitHub itself is unreachable', async () => {
      const closed = await new FakeCopilotApi().start();
      const url = closed.url;
      await closed.stop();
      const down = await startApp({
        GITHUB_TOKEN,
        GITHUB_API_BASE_URL: url,
        COPILOT_API_BASE_URL: url,
      });
      try {
        const res = await request(down.app.getHttpServer()).get('/models');
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('copilot_token_exchange_failed');
        // The retry time is known (the backoff): clients are told it.
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      } finally {
        await down.close();
      }
    });
  });
});
