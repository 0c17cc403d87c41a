import { createHash } from 'node:crypto';
import type { FakeCopilotApi } from './fake-copilot-api';
import { Exchange, FakeTimers, json, nowMs, send } from './fake-http';
import type { FakeSockets } from './fake-sockets';

/**
 * Raw answers, written on the socket past node:http so it cannot correct them. Each
 * says `Connection: close` and the socket is ended after it, so no client reuses a
 * socket whose `ServerResponse` never finishes.
 */
const RAW = {
  /** The reason phrase holds a control character (0x01). */
  badStatusLine:
    'HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok',
  /** A 204 has no body, whatever its Content-Length says. */
  noContent:
    'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nConnection: close\r\n\r\n',
  /** A protocol switch nobody asked for. */
  switchingProtocols:
    'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n',
};

/**
 * `/_test/<name>[/<arg>]`: routes of the fake Copilot API that misbehave on purpose
 * (stalls, resets, odd headers, broken framing), behind the same token and
 * `Editor-Version` checks as the real routes.
 */
export class FaultRoutes {
  constructor(
    private readonly fake: FakeCopilotApi,
    private readonly sockets: FakeSockets,
    private readonly timers: FakeTimers,
  ) {}

  handle(ex: Exchange): void {
    const { req, res, record, url } = ex;
    const [, , name, arg] = url.pathname.split('/');
    switch (name) {
      // What the fake received: method, target, raw headers, body length and digest.
      case 'echo':
        return json(res, 200, {
          method: record.method,
          url: record.url,
          rawHeaders: record.rawHeaders,
          bodyLength: record.body.length,
          bodySha256: createHash('sha256').update(record.body).digest('hex'),
        });
      // `status/<code>`: that status with a JSON error and `Retry-After: 7`; `?text`: plain text.
      case 'status': {
        const status = Number(arg);
        if (url.searchParams.has('text'))
          return send(res, status, `plain failure ${status}`, 'text/plain');
        return json(
          res,
          status,
          { error: { message: `fake failure ${status}`, code: 'fake_code' } },
          { 'retry-after': '7' },
        );
      }
      // `rate-limited[?limit=<name>]`: the API's usage 429, JSON `{"message":"Sorry, you
      // have exceeded your Copilot token usage…","code":"rate_limited"}`, with
      // `retry-after: 60` and, only when `limit` is given, `x-ratelimit-exceeded: <limit>`.
      case 'rate-limited': {
        const limit = url.searchParams.get('limit');
        return json(
          res,
          429,
          {
            message: 'Sorry, you have exceeded your Copilot token usage…',
            code: 'rate_limited',
          },
          {
            'retry-after': '60',
            ...(limit !== null && { 'x-ratelimit-exceeded': limit }),
          },
        );
      }
      // Never answers.
      case 'stall-headers':
        return;
      // Headers and one SSE event, then silence.
      case 'stall-body':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"first":true}\n\n');
        return;
      // Headers and one SSE event, then the socket is destroyed 50 ms later.
      case 'reset':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"before":"reset"}\n\n');
        this.timers.later(50, () => req.socket.destroy());
        return;
      // `bytes/<n>`: n bytes `i % 251`, with a Content-Length.
      case 'bytes':
        return this.bytes(ex, Number(arg));
      // Hop-by-hop headers (some named by `Connection`), two `Set-Cookie`, odd case.
      case 'headers':
        return this.headers(ex);
      // `sse?events=10&interval=20`: `data: {"n":…,"sent":…}` events, then `[DONE]`.
      case 'sse':
        return this.sse(ex);
      // 200 `{"ok":true}` with `Connection: keep-alive` on a socket's first request;
      // on a socket that already carried one, destroys it without an answer (a server
      // that resets reused keep-alive sockets) and counts it in `reusedSocketResets`.
      case 'reset-reused':
        if (this.sockets.requestsOn(req.socket) > 1) {
          this.fake.reusedSocketResets++;
          req.socket.destroy();
          return;
        }
        return json(res, 200, { ok: true }, { connection: 'keep-alive' });
      // A status line whose reason phrase holds a control character.
      case 'bad-status-line':
        req.socket.end(RAW.badStatusLine);
        return;
      // 101 Switching Protocols to websocket, unasked, then silence, socket open.
      case 'switching-protocols':
        req.socket.write(RAW.switchingProtocols);
        return;
      // 204 with `Content-Length: 5` and no body.
      case 'no-content':
        req.socket.end(RAW.noContent);
        return;
      // 200 `{"bodyLength":n}` once the whole request body has arrived.
      case 'slow-upload':
        return json(res, 200, { bodyLength: record.body.length });
      default:
        return json(res, 404, { error: { message: `no test route ${name}` } });
    }
  }

  private bytes({ res }: Exchange, size: number): void {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = i % 251;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': size,
    });
    res.end(body);
  }

  private headers({ res }: Exchange): void {
    res.writeHead(200, [
      'Content-Type',
      'application/json',
      'Connection',
      'keep-alive, X-Hop-Header',
      'X-Hop-Header',
      'must-not-pass',
      'Keep-Alive',
      'timeout=5',
      'Proxy-Authenticate',
      'Basic',
      'Upgrade',
      'h2c',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'X-Custom-Case',
      'Kept',
      'X-Request-Id',
      'upstream-own-id',
    ]);
    res.end('{"ok":true}');
  }

  private sse({ res, url }: Exchange): void {
    const events = Number(url.searchParams.get('events') ?? 10);
    const interval = Number(url.searchParams.get('interval') ?? 20);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (sent === events) return void res.end('data: [DONE]\n\n');
      sent++;
      res.write(`data: {"n":${sent},"sent":${nowMs()}}\n\n`);
      this.timers.later(interval, next);
    };
    next();
  }
}
