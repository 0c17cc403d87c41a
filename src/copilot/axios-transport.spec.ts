import { settingsModule } from '../config/settings.module';
import { Test } from '@nestjs/testing';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { parseSettings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { AxiosTransport } from './axios-transport';
import type { OutboundRequest } from './upstream-transport';

const TIMEOUT_MS = 200;
const SECRET = 'copilot-secret-token-xyz';

const readAll = async (stream: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
};

/** The transport's failure, or a test failure if it answered. */
async function failureOf(promise: Promise<unknown>): Promise<ProxyError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProxyError);
    return error as ProxyError;
  }
  throw new Error('the round trip succeeded');
}

describe('AxiosTransport', () => {
  let server: http.Server;
  let baseUrl: string;
  let closedPortUrl: string;
  let transport: AxiosTransport;
  /** Sockets that already carried an answer (to fake a dead pooled connection). */
  const served = new WeakSet<Socket>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const route = req.url ?? '';
      if (route.startsWith('/silent')) return; // never answers
      if (route.startsWith('/half')) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: 1\n\n'); // and never ends
        return;
      }
      if (route.startsWith('/dead-when-reused') && served.has(req.socket)) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        served.add(req.socket);
        res.setHeader('X-Custom-Case', 'kept');
        res.writeHead(201, 'Made Here', { 'Content-Type': 'text/plain' });
        res.end(
          `${req.method} ${route} ${Buffer.concat(chunks).toString()} auth=${req.headers.authorization === `Bearer ${SECRET}`}`,
        );
      });
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const closed = http.createServer();
    await new Promise<void>((resolve) =>
      closed.listen(0, '127.0.0.1', resolve),
    );
    closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    const settings = parseSettings({
      COPILOT_TOKEN: 't',
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [settingsModule(settings)],
      providers: [AxiosTransport],
    }).compile();
    transport = moduleRef.get(AxiosTransport);
  });

  afterAll(async () => {
    transport.onApplicationShutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const request = (overrides: Partial<OutboundRequest>): OutboundRequest => ({
    baseUrl,
    method: 'POST',
    path: '/chat/completions',
    headers: { authorization: `Bearer ${SECRET}` },
    signal: new AbortController().signal,
    ...overrides,
  });

  it('hands back the answer as a stream with status, reason and raw headers', async () => {
    const response = await transport.roundTrip(
      request({ body: Buffer.from('{"a":1}') }),
    );
    expect(response.status).toBe(201);
    expect(response.statusMessage).toBe('Made Here');
    expect(response.rawHeaders).toEqual(
      expect.arrayContaining(['X-Custom-Case', 'kept']),
    );
    expect(response.rawHeaders).not.toContain('x-custom-case');
    expect(response.body).toBeInstanceOf(Readable);
    expect(await readAll(response.body)).toBe(
      'POST /chat/completions {"a":1} auth=true',
    );
  });

  it('streams a Readable request body upstream', async () => {
    const response = await transport.roundTrip(
      request({
        body: Readable.from([Buffer.from('part1-'), Buffer.from('part2')]),
      }),
    );
    expect(await readAll(response.body)).toBe(
      'POST /chat/completions part1-part2 auth=true',
    );
  });

  it('sends the path and raw query byte for byte', async () => {
    const response = await transport.roundTrip(
      request({ method: 'GET', path: '/models/../x?q=%7e&b=a%20b' }),
    );
    expect(await readAll(response.body)).toBe(
      'GET /models/../x?q=%7e&b=a%20b  auth=true',
    );
  });

  it("fails with 'upstream_timeout' (504) when no headers come in time", async () => {
    const started = Date.now();
    const error = await failureOf(
      transport.roundTrip(request({ path: '/silent' })),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(error.code).toBe('upstream_timeout');
    expect(error.status).toBe(504);
    expect(error.detail).toContain(`${TIMEOUT_MS} ms`);
    expect(error.detail).not.toContain(SECRET);
    expect(error.message).not.toContain(SECRET);
  });

  it("fails with 'upstream_unreachable' (502) naming the error code when the connection is refused", async () => {
    const error = await failureOf(
      transport.roundTrip(request({ baseUrl: closedPortUrl })),
    );
    expect(error.code).toBe('upstream_unreachable');
    expect(error.status).toBe(502);
    expect(error.detail).toContain('ECONNREFUSED');
    expect(error.detail).not.toContain(SECRET);
  });

  it("fails with 'client_closed' when the caller aborts before the headers", async () => {
    const caller = new AbortController();
    const pending = transport.roundTrip(
      request({ path: '/silent', signal: caller.signal }),
    );
    setTimeout(() => caller.abort(), 20);
    const error = await failureOf(pending);
    expect(error.code).toBe('client_closed');
    expect(error.status).toBe(499);
  });

  it("fails with 'client_closed' when the caller had already aborted", async () => {
    const caller = new AbortController();
    caller.abort();
    const error = await failureOf(
      transport.roundTrip(request({ signal: caller.signal })),
    );
    expect(error.code).toBe('client_closed');
  });

  describe('with the request context as the signal (no AbortController)', () => {
    const contextFor = () =>
      new RequestContext('r1', 'POST', parseTarget('/chat/completions'));

    it("fails with 'client_closed' when the client hangs up before the headers", async () => {
      const context = contextFor();
      server.once('request', () => context.clientClosed());
      const error = await failureOf(
        transport.roundTrip(request({ path: '/silent', signal: context })),
      );
      expect(error.code).toBe('client_closed');
    });

    it('cuts the upstream answer when the client hangs up after its headers', async () => {
      const context = contextFor();
      const upstreamClosed = new Promise<void>((resolve) =>
        server.once('request', (req: http.IncomingMessage) =>
          req.socket.once('close', () => resolve()),
        ),
      );
      const response = await transport.roundTrip(
        request({ path: '/half', signal: context }),
      );
      const bodyClosed = new Promise<void>((resolve) =>
        response.body.once('close', () => resolve()),
      );
      response.body.on('error', () => undefined);
      context.clientClosed();
      await Promise.all([bodyClosed, upstreamClosed]);
      expect(response.body.destroyed).toBe(true);
    });

    it('leaves a finished exchange alone when the client leaves afterwards', async () => {
      const context = contextFor();
      const response = await transport.roundTrip(
        request({ body: Buffer.from('x'), signal: context }),
      );
      expect(await readAll(response.body)).toContain('POST /chat/completions');
      expect(() => context.clientClosed()).not.toThrow();
    });
  });

  describe('a pooled connection the upstream dropped', () => {
    it('is retried once on a fresh connection when the body can be had again', async () => {
      // Leaves a kept-alive socket in the pool that has served an answer.
      await readAll((await transport.roundTrip(request({}))).body);
      const replayBody = jest.fn(() =>
        Promise.resolve({ body: Buffer.from('again') }),
      );
      const response = await transport.roundTrip(
        request({
          path: '/dead-when-reused',
          body: Buffer.from('again'),
          replayBody,
        }),
      );
      expect(replayBody).toHaveBeenCalledTimes(1);
      expect(response.status).toBe(201);
      expect(await readAll(response.body)).toBe(
        'POST /dead-when-reused again auth=true',
      );
    });

    it("fails with 'upstream_unreachable' when the body cannot be had again", async () => {
      await readAll((await transport.roundTrip(request({}))).body);
      const error = await failureOf(
        transport.roundTrip(
          request({
            path: '/dead-when-reused',
            body: Buffer.from('once'),
            replayBody: () => Promise.resolve(undefined),
          }),
        ),
      );
      expect(error.code).toBe('upstream_unreachable');
    });
  });
});
