import request from 'supertest';
import { useFakeAndProxy } from './support/test-app';
import type { FakeCopilotApi } from './support/fake-copilot-api';

/** The compatibility stage's frame (SPEC §13), shown with rule R1 (`store`). */
function env(extra: Record<string, string> = {}) {
  return (fake: FakeCopilotApi) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
    ...extra,
  });
}

const STORED = '{"model":"gpt-5-mini", "store":true,\n "input":"hi"}';
const PLAIN = '{"model":"gpt-5-mini", "store":false,\n "input":"hi"}';

function post(server: unknown, body: string) {
  return request(server as never)
    .post('/v1/responses')
    .set('Content-Type', 'application/json')
    .send(body);
}

describe('compatibility stage', () => {
  describe('on (the default)', () => {
    const ctx = useFakeAndProxy(env());

    it('edits only the offending field and names the rule in the answer header and the metric', async () => {
      const server = ctx.proxy.app.getHttpServer();
      const res = await post(server, STORED);
      expect(res.status).toBe(200);
      expect(res.headers['x-copilot-adjusted']).toBe('store');
      const sent = ctx.fake.lastRequest('/responses')!;
      expect(sent.body.toString()).toBe(STORED.replace('true', 'false'));
      expect(sent.headers['content-length']).toBe(
        String(Buffer.byteLength(STORED) + 1),
      );
      const metrics = await request(server as never).get('/metrics');
      expect(metrics.text).toMatch(
        /copilot_proxy_adjustments_total\{rule="store"\} 1/,
      );
    });

    it('sends a request that breaks no rule byte-identical, with no header', async () => {
      const server = ctx.proxy.app.getHttpServer();
      const res = await post(server, PLAIN);
      expect(res.status).toBe(200);
      expect(res.headers['x-copilot-adjusted']).toBeUndefined();
      expect(ctx.fake.lastRequest('/responses')!.body.toString()).toBe(PLAIN);
    });
  });

  describe.each([
    ['COMPAT_RULES=-r1', { COMPAT_RULES: '-r1' }],
    ['COMPAT=off', { COMPAT: 'off' }],
  ])('switched off by %s', (_, extra) => {
    const ctx = useFakeAndProxy(env(extra));

    it('sends the client bytes as they came', async () => {
      const res = await post(ctx.proxy.app.getHttpServer(), STORED);
      expect(res.status).toBe(200);
      expect(res.headers['x-copilot-adjusted']).toBeUndefined();
      expect(ctx.fake.lastRequest('/responses')!.body.toString()).toBe(STORED);
    });
  });
});
