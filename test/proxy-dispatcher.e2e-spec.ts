import { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { ProxyService } from '../src/proxy/proxy.service';
import { useStaticFakeAndProxy } from './support/test-app';

/**
 * Proxied requests reach `ProxyService.forward` as Node made them: swapping their
 * prototypes for Express's (as Express's router does) made every property access
 * on them slow and cost a third of the proxy's CPU per request
 * (docs/performance.md). The guards still get `req.ip` (rate-limit.e2e-spec).
 */
describe('the proxy dispatcher', () => {
  const ctx = useStaticFakeAndProxy({ RATE_LIMIT_MAX: '100' });

  it("keeps Node's request and response prototypes on proxied paths", async () => {
    const proxy = ctx.proxy.app.get(ProxyService);
    const seen: { req: object | null; res: object | null; ip?: string }[] = [];
    const forward = proxy.forward.bind(proxy);
    const spy = jest.spyOn(proxy, 'forward').mockImplementation((req, res) => {
      seen.push({
        req: Object.getPrototypeOf(req) as object | null,
        res: Object.getPrototypeOf(res) as object | null,
        ip: (req as { ip?: string }).ip,
      });
      return forward(req, res);
    });
    try {
      const server = ctx.proxy.app.getHttpServer();
      expect((await request(server).get('/models')).status).toBe(200);
      const chat = await request(server)
        .post('/v1/chat/completions')
        .set('Content-Type', 'application/json')
        .send('{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');
      expect(chat.status).toBe(200);
    } finally {
      spy.mockRestore();
    }
    expect(seen).toHaveLength(2);
    for (const call of seen) {
      expect(call.req).toBe(IncomingMessage.prototype);
      expect(call.res).toBe(ServerResponse.prototype);
      expect(call.ip).toMatch(/127\.0\.0\.1/);
    }
  });
});
