import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { CopilotClient } from '../src/copilot/copilot-client';
import { rawRequest, waitFor } from './support/http-client';
import {
  useDynamicFakeAndProxy,
  useStaticFakeAndProxy,
  FIXTURE_COPILOT_TOKEN,
  startApp,
  TestApp,
} from './support/test-app';

const MiB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A POST whose body the test sends in parts, ending it when it chooses. */
function openUpload(url: string, path: string, length: number) {
  const { hostname, port } = new URL(url);
  let resolveAnswer!: (a: Answer) => void;
  const answer = new Promise<Answer>((resolve) => (resolveAnswer = resolve));
  const req = httpRequest(
    {
      host: hostname,
      port: Number(port),
      path,
      method: 'POST',
      headers: { 'content-length': String(length) },
      agent: false,
    },
    (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolveAnswer({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
        }),
      );
    },
  );
  req.on('error', () => undefined);
  return { req, answer };
}

/** Uploads `parts` 10-byte parts to `/_test/slow-upload`, `gapMs` apart. */
async function trickle(url: string, parts: number, gapMs: number) {
  const upload = openUpload(url, '/_test/slow-upload', parts * 10);
  for (let i = 1; i < parts; i++) {
    upload.req.write(Buffer.alloc(10, 7));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  upload.req.end(Buffer.alloc(10, 7));
  return upload.answer;
}

describe('faults: token exchanges stay bounded', () => {
  describe('a path that always answers 401', () => {
    const ctx = useDynamicFakeAndProxy();
    it('20 sequential requests cause at most one exchange, and every client gets the 401', async () => {
      const server = ctx.proxy.app.getHttpServer();
      for (let i = 0; i < 20; i++) {
        const res = await request(server).get('/_test/status/401');
        expect(res.status).toBe(401);
        expect(res.body.error.message).toBe('fake failure 401');
      }
      expect(ctx.fake.tokenExchangeAttempts).toBeLessThanOrEqual(2);
      // The token was never thrown away for good: the proxy still serves.
      expect((await request(server).get('/models')).status).toBe(200);
      expect((await request(server).get('/readyz')).status).toBe(200);
    });
  });

  describe('a revoked token while GitHub fails', () => {
    const ctx = useDynamicFakeAndProxy();
    it('answers 503 with Retry-After inside the backoff, turns readiness 503, and recovers', async () => {
      const server = ctx.proxy.app.getHttpServer();
      ctx.fake.exchangeFailure = { status: 503 };
      ctx.fake.revokeCopilotTokens();
      const before = ctx.fake.tokenExchangeAttempts;
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => request(server).get('/_test/echo')),
      );
      const later = [];
      for (let i = 0; i < 10; i++)
        later.push(await request(server).get('/_test/echo'));
      for (const res of [...answers, ...later]) {
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('copilot_token_exchange_failed');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(ctx.fake.tokenExchangeAttempts - before).toBe(1);
      const ready = await request(server).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.copilot_token.status).toBe('down');

      ctx.fake.exchangeFailure = undefined;
      await waitFor(() => ctx.fake.tokenExchanges === 2, 5000);
      expect((await request(server).get('/_test/echo')).status).toBe(200);
      expect((await request(server).get('/readyz')).status).toBe(200);
    });
  });

  describe('GitHub answers tokens that have already expired (a skewed clock)', () => {
    const ctx = useDynamicFakeAndProxy(
      {},
      { issueExpiredTokens: true },
      { waitForToken: false },
    );

    it('backs off instead of exchanging in a loop, and says why', async () => {
      await new Promise((r) => setTimeout(r, 2500));
      // At 0 s, 1 s and 3 s at most: not dozens.
      expect(ctx.fake.tokenExchangeAttempts).toBeGreaterThanOrEqual(2);
      expect(ctx.fake.tokenExchangeAttempts).toBeLessThanOrEqual(3);
      const ready = await request(ctx.proxy.app.getHttpServer()).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.text).toContain('already expired');
    });
  });
});

describe('faults: replay copies have a global budget', () => {
  const ctx = useDynamicFakeAndProxy({ REPLAY_MAX_BYTES: String(4 * MiB) });
  it('a body past the budget streams without a copy (its 401 passes, the token is refreshed for the next); one within it is retried', async () => {
    const client = ctx.proxy.app.get(CopilotClient);
    const held = openUpload(ctx.proxy.url, '/_test/echo', 3 * MiB);
    held.req.write(Buffer.alloc(3 * MiB - 10, 1));
    await waitFor(() => client.replayBytesHeld >= 3 * MiB - 10);

    ctx.fake.revokeCopilotTokens();
    const exchanges = ctx.fake.tokenExchanges;
    const big = await rawRequest(ctx.proxy.url + '/_test/echo', {
      method: 'POST',
      body: Buffer.alloc(2 * MiB, 2),
    });
    expect(big.status).toBe(401);
    expect(big.body.toString()).toBe('unauthorized: token expired');
    // Refreshed anyway, with no other request asking.
    await waitFor(() => ctx.fake.tokenExchanges === exchanges + 1);
    expect(client.replayBytesHeld).toBeLessThanOrEqual(4 * MiB);

    held.req.end(Buffer.alloc(10, 1));
    const answer = await held.answer;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).bodyLength).toBe(3 * MiB);
    await waitFor(() => client.replayBytesHeld === 0);
  });
});

describe('faults: broken upstream connections and answers', () => {
  const ctx = useStaticFakeAndProxy({ UPSTREAM_TIMEOUT_MS: '30000' });

  it('retries once on a fresh connection when a reused pooled socket was dead', async () => {
    const server = ctx.proxy.app.getHttpServer();
    for (let i = 0; i < 10; i++) {
      expect((await request(server).get('/_test/reset-reused')).status).toBe(
        200,
      );
    }
    const post = await request(server)
      .post('/_test/reset-reused')
      .send({ model: 'gpt-4o' });
    expect(post.status).toBe(200);
    expect(ctx.fake.reusedSocketResets).toBeGreaterThanOrEqual(5);
  });

  it('answers a status line with a control character with 502 JSON and keeps the gauges right', async () => {
    const server = ctx.proxy.app.getHttpServer();
    const res = await request(server).get('/_test/bad-status-line');
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.body.error.code).toBe('upstream_bad_response');
    const metrics = await request(server).get('/metrics');
    expect(metrics.text).toMatch(/^copilot_proxy_active_streams 0$/m);
    expect((await request(server).get('/models')).status).toBe(200);
  });

  it('answers an unasked 101 Switching Protocols with 502 JSON at once', async () => {
    const res = await request(ctx.proxy.app.getHttpServer()).get(
      '/_test/switching-protocols',
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_bad_response');
  });

  it('passes a 204 on without the Content-Length it must not carry', async () => {
    const res = await rawRequest(ctx.proxy.url + '/_test/no-content');
    expect(res.status).toBe(204);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.body.length).toBe(0);
  });
});

describe('faults: the header timeout starts when the body has been sent', () => {
  const ctx = useStaticFakeAndProxy({ UPSTREAM_TIMEOUT_MS: '300' });

  it('a slow upload is not a 504', async () => {
    const answer = await trickle(ctx.proxy.url, 3, 400);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).bodyLength).toBe(30);
  });
});

describe('faults: a body that stops arriving', () => {
  const ctx = useStaticFakeAndProxy({ CLIENT_BODY_TIMEOUT_MS: '300' });

  it('ends the request with 408 and gives up the upstream request', async () => {
    const upload = openUpload(ctx.proxy.url, '/_test/slow-upload', 100);
    upload.req.write(Buffer.alloc(10, 7));
    const answer = await upload.answer;
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe('request_timeout');
    await ctx.fake.waitForAbort('/_test/slow-upload');
  });

  it('lets a body that keeps arriving take its time', async () => {
    const answer = await trickle(ctx.proxy.url, 5, 150);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).bodyLength).toBe(50);
  });
});

describe('faults: access edges', () => {
  const ctx = useStaticFakeAndProxy({
    PROXY_API_KEYS: 'the-right-key',
    RATE_LIMIT_MAX: '5',
  });

  it('counts refused keys per client address: 429 past the limit, for wrong keys only', async () => {
    const server = ctx.proxy.app.getHttpServer();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await request(server)
        .get('/models')
        .set('authorization', `Bearer wrong-${i}`);
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(401));
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
    const blocked = await request(server)
      .get('/models')
      .set('authorization', 'Bearer wrong-again');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limit_exceeded');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Issue 24: a valid key is never refused by the wrong-key limiter (one
    // address behind a NAT must not lock out the team's keys).
    const right = await request(server)
      .get('/models')
      .set('authorization', 'Bearer the-right-key');
    expect(right.status).toBe(200);
  });
});

describe('faults: one request id, and Connection: close while draining', () => {
  const ctx = useStaticFakeAndProxy();

  it.each([[['first-id', 'second-id']], [['bad id "quoted"']]])(
    'sends upstream the id it logs and returns (%j)',
    async (ids) => {
      const res = await rawRequest(ctx.proxy.url + '/_test/echo', {
        headers: { 'x-request-id': ids },
      });
      const rawHeaders = JSON.parse(res.body.toString()).rawHeaders as string[];
      const seen = rawHeaders.filter(
        (_, i) => i % 2 === 1 && /^x-request-id$/i.test(rawHeaders[i - 1]),
      );
      const id = String(res.headers['x-request-id']);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen).toEqual([id]);
    },
  );

  it('answers in-flight requests with Connection: close once draining', async () => {
    const before = ctx.fake.requests.length;
    const upload = openUpload(ctx.proxy.url, '/_test/echo', 20);
    upload.req.write(Buffer.alloc(10, 1));
    // The proxy has the request in hand once its upstream request has begun.
    await waitFor(() => ctx.fake.requests.length > before);
    const closing = ctx.proxy.close();
    await new Promise((r) => setTimeout(r, 50));
    upload.req.end(Buffer.alloc(10, 1));
    const answer = await upload.answer;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    await closing;
  });
});

describe('faults: the body idle limit leaves keep-alive alone', () => {
  const ctx = useStaticFakeAndProxy();

  it('an idle kept-alive connection still closes after the keep-alive timeout', async () => {
    const server = ctx.proxy.app.getHttpServer() as import('node:http').Server;
    server.keepAliveTimeout = 200;
    const { hostname, port } = new URL(ctx.proxy.url);
    const socket = (await import('node:net')).connect(Number(port), hostname);
    socket.resume();
    const closed = new Promise<void>((resolve) =>
      socket.once('close', () => resolve()),
    );
    socket.write(
      'POST /_test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok',
    );
    await closed;
    expect(socket.bytesRead).toBeGreaterThan(0);
  });
});

describe('faults: an upstream that stops reading or stalls a body', () => {
  let upstream: import('node:net').Server;
  let proxy: TestApp;
  const sockets = new Set<import('node:net').Socket>();

  beforeAll(async () => {
    const net = await import('node:net');
    // GET /models: headers and half a body, then silence. Anything else: the
    // request is never read (the socket stays paused) and never answered.
    upstream = net.createServer({ pauseOnConnect: true }, (socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('readable', () => {
        const head = String(socket.read(64) ?? '');
        if (head.startsWith('GET /models')) {
          socket.write(
            'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"object":"list",',
          );
        }
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const { port } = upstream.address() as import('node:net').AddressInfo;
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: `http://127.0.0.1:${port}`,
      UPSTREAM_TIMEOUT_MS: '500',
    });
  });
  afterAll(async () => {
    await proxy.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((r) => upstream.close(r));
  });

  it('answers 504 when the upstream never reads a large body', async () => {
    const res = await rawRequest(proxy.url + '/_test/echo', {
      method: 'POST',
      body: Buffer.alloc(8 * 1024 * 1024, 1),
    });
    expect(res.status).toBe(504);
    expect(JSON.parse(res.body.toString()).error.code).toBe('upstream_timeout');
  });

  it('answers /models with 504 instead of hanging when its body stalls', async () => {
    const res = await request(proxy.app.getHttpServer()).get('/v1/models');
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('upstream_timeout');
  });
});
