import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { useStaticFakeAndProxy } from './support/test-app';

const KEYS_FILE = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'copilot-keys-')), 'keys.yaml');
  writeFileSync(
    file,
    [
      'keys:',
      '  - name: limited',
      '    key: sk-limited-0123456789',
      '    rateLimit: { requests: 2, windowSeconds: 60 }',
      '  - name: spent',
      '    key: sk-spent-0123456789',
      '    quota: { period: day, tokens: 0 }',
      '  - name: ok',
      '    key: sk-ok-0123456789',
    ].join('\n'),
  );
  return file;
})();

/**
 * Proxied paths are dispatched ahead of Express's router (`ProxyDispatcher`); the
 * service's own endpoints are not. Every check still applies to every proxied
 * request: the key guard, the rate limit, the quota, and the exception filter.
 */
describe('one request path: proxied requests skip the router, not the checks', () => {
  const ctx = useStaticFakeAndProxy({ PROXY_KEYS_FILE: KEYS_FILE });
  const server = () => ctx.proxy.app.getHttpServer();
  let routed = 0;

  beforeAll(() => {
    // Express's `app.handle` is where its router starts: count the calls.
    const express = ctx.proxy.app.getHttpAdapter().getInstance() as {
      handle: (...args: unknown[]) => unknown;
    };
    const handle = express.handle.bind(express);
    express.handle = (...args: unknown[]) => {
      routed++;
      return handle(...args);
    };
  });

  it('answers proxied requests without walking the Express router', async () => {
    const before = routed;
    const res = await request(server())
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer sk-ok-0123456789')
      .set('content-type', 'application/json')
      .send('{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}');
    expect(res.status).toBe(200);
    expect(routed).toBe(before);
    // The service's own endpoints still go through Express and Nest's routes.
    expect((await request(server()).get('/healthz')).status).toBe(200);
    expect(routed).toBe(before + 1);
  });

  it('refuses a missing or wrong key (key guard, exception filter)', async () => {
    const missing = await request(server()).get('/v1/models');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe(
      'Bearer realm="copilot-proxy"',
    );
    expect(missing.body.error.code).toBe('unauthorized');
    const wrong = await request(server())
      .post('/v1/messages')
      .set('x-api-key', 'sk-wrong')
      .send('{}');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'Invalid API key' },
    });
  });

  it('holds a key to its rate limit and its quota', async () => {
    const limited = () =>
      request(server())
        .get('/_test/echo')
        .set('authorization', 'Bearer sk-limited-0123456789');
    expect((await limited()).status).toBe(200);
    expect((await limited()).status).toBe(200);
    const third = await limited();
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limit_exceeded');
    const spent = await request(server())
      .get('/_test/echo')
      .set('authorization', 'Bearer sk-spent-0123456789');
    expect(spent.status).toBe(429);
    expect(spent.body.error.code).toBe('quota_exceeded');
  });

  it('answers what must not be proxied through the exception filter', async () => {
    const trace = await request(server())
      .trace('/v1/chat/completions')
      .set('authorization', 'Bearer sk-ok-0123456789');
    expect(trace.status).toBe(405);
    expect(trace.body.error.code).toBe('method_not_allowed');
    const escape = await request(server())
      .get('/models/%zz')
      .set('authorization', 'Bearer sk-ok-0123456789');
    expect(escape.status).toBe(400);
    expect(escape.body.error.type).toBe('invalid_request_error');
  });
});
