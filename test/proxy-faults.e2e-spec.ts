import { connect } from 'node:net';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, readSse } from './support/http-client';
import { startApp, TestApp, useStaticFakeAndProxy } from './support/test-app';

const TOKEN = 'test-copilot-token';

/** Sends raw bytes on a fresh socket and returns what comes back until close. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    socket.on('data', (c) => (text += c.toString()));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    setTimeout(() => socket.end(), 1000);
  });
}

describe('proxy faults', () => {
  const ctx = useStaticFakeAndProxy({
    UPSTREAM_TIMEOUT_MS: '300',
    UPSTREAM_IDLE_TIMEOUT_MS: '400',
  });

  it('answers 504 with an OpenAI-style error when no headers come in time', async () => {
    const res = await rawRequest(ctx.proxy.url + '/_test/stall-headers', {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body.toString())).toEqual({
      error: {
        message: 'The Copilot API did not answer in time',
        type: 'upstream_error',
        code: 'upstream_timeout',
      },
    });
    // The stalled upstream request is given up, not left hanging.
    await ctx.fake.waitForAbort('/_test/stall-headers');
  });

  it('cuts the client connection when the body goes silent past the idle timeout', async () => {
    const started = Date.now();
    const result = await readSse(ctx.proxy.url + '/_test/stall-body', {
      method: 'GET',
    });
    expect(result.status).toBe(200);
    expect(result.events.map((e) => e.data)).toEqual(['{"first":true}']);
    expect(result.ending).toBe('error');
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await ctx.fake.waitForAbort('/_test/stall-body');
  });

  it('never cuts a long stream that keeps producing (no total timeout)', async () => {
    // 12 events 150 ms apart: 1.8 s, well past both the 300 ms header and 400 ms idle limits.
    const result = await readSse(
      ctx.proxy.url + '/_test/sse?events=12&interval=150',
      { method: 'GET' },
    );
    expect(result.ending).toBe('end');
    expect(result.events).toHaveLength(13);
  });

  it('ends the client connection abruptly when the upstream resets mid-stream', async () => {
    const result = await readSse(ctx.proxy.url + '/_test/reset', {
      method: 'GET',
    });
    expect(result.status).toBe(200);
    expect(result.events.map((e) => e.data)).toEqual(['{"before":"reset"}']);
    expect(result.ending).toBe('error');
  });

  it('refuses TRACE and CONNECT with 405 and never forwards them', async () => {
    const before = ctx.fake.requests.length;
    const trace = await rawRequest(ctx.proxy.url + '/models', {
      method: 'TRACE',
    });
    expect(trace.status).toBe(405);
    expect(JSON.parse(trace.body.toString()).error.code).toBe(
      'method_not_allowed',
    );
    expect(trace.body.toString()).not.toContain(TOKEN);
    const connectAnswer = await rawExchange(
      ctx.proxy.url,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 405 /);
    expect(ctx.fake.requests.length).toBe(before);
  });

  it('answers malformed requests with 4xx and keeps serving', async () => {
    expect(
      await rawExchange(ctx.proxy.url, 'THIS IS NOT HTTP\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 400 /);
    expect(
      await rawExchange(
        ctx.proxy.url,
        'GET /models HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      ),
    ).toMatch(/^HTTP\/1\.1 400 /);
    const absolute = await rawExchange(
      ctx.proxy.url,
      'GET http://evil.example/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    expect(absolute).toContain('"type":"invalid_request_error"');
    const badEscape = await rawRequest(ctx.proxy.url + '/models/%zz');
    expect(badEscape.status).toBe(400);
    expect(JSON.parse(badEscape.body.toString()).error.type).toBe(
      'invalid_request_error',
    );
    // Still serving.
    const ok = await rawRequest(ctx.proxy.url + '/models');
    expect(ok.status).toBe(200);
  });
});

describe('proxy faults: unreachable upstream', () => {
  let proxy: TestApp;

  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = await new FakeCopilotApi().start();
    const url = closed.url;
    await closed.stop();
    proxy = await startApp({ COPILOT_TOKEN: TOKEN, COPILOT_API_BASE_URL: url });
  });
  afterAll(() => proxy.close());

  it('answers 502 with an OpenAI-style error and no secret', async () => {
    const res = await rawRequest(proxy.url + '/chat/completions', {
      method: 'POST',
      body: '{"model":"gpt-4o"}',
    });
    expect(res.status).toBe(502);
    const body = JSON.parse(res.body.toString());
    expect(body).toEqual({
      error: {
        message: 'The Copilot API could not be reached',
        type: 'upstream_error',
        code: 'upstream_unreachable',
      },
    });
    expect(res.body.toString()).not.toContain(TOKEN);
    // And again: the process did not fall over.
    expect((await rawRequest(proxy.url + '/models')).status).toBe(502);
    expect((await rawRequest(proxy.url + '/healthz')).status).toBe(200);
  });
});
