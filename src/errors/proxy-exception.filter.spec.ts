import {
  BadRequestException,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Test } from '@nestjs/testing';
import * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { MetricsService } from '../metrics/metrics.service';
import {
  bindRequestContext,
  RequestContext,
} from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { errorBody, rawErrorResponse } from './error-writer';
import { ProxyError } from './proxy-error';
import { ProxyExceptionFilter } from './proxy-exception.filter';

/** Records what the filter does to a ServerResponse. */
class FakeResponse {
  headersSent = false;
  destroyed = false;
  writableEnded = false;
  status: number | undefined;
  headers: Record<string, string | number> = {};
  body: string | undefined;

  reason: string | undefined;

  /** Both forms: `(status, headers)` and `(status, reason, headers)`. */
  readonly writeHead = jest.fn(
    (
      status: number,
      reasonOrHeaders?: string | Record<string, string | number>,
      headers?: Record<string, string | number>,
    ) => {
      this.status = status;
      if (typeof reasonOrHeaders === 'string') {
        this.reason = reasonOrHeaders;
        this.headers = headers ?? {};
      } else {
        this.headers = reasonOrHeaders ?? {};
      }
      this.headersSent = true;
      return this;
    },
  );
  readonly end = jest.fn((body?: string) => {
    this.body = body;
    this.writableEnded = true;
    return this;
  });
  readonly destroy = jest.fn(() => {
    this.destroyed = true;
    return this;
  });

  json(): any {
    return JSON.parse(this.body!);
  }
}

describe('ProxyExceptionFilter', () => {
  let filter: ProxyExceptionFilter;
  let metrics: MetricsService;
  let context: RequestContext;
  let req: IncomingMessage;
  let res: FakeResponse;
  let logged: jest.SpyInstance;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [ProxyExceptionFilter, MetricsService],
    }).compile();
    filter = moduleRef.get(ProxyExceptionFilter);
    metrics = moduleRef.get(MetricsService);
    req = { headers: {} } as IncomingMessage;
    context = new RequestContext('req-1', 'POST', parseTarget('/v1/chat'));
    bindRequestContext(req, context);
    res = new FakeResponse();
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation();
  });

  afterEach(() => {
    logged.mockRestore();
  });

  const handle = (exception: unknown) =>
    filter.catch(exception, new ExecutionContextHost([req, res]));

  const failures = (kind: string) =>
    metrics.registry
      .getSingleMetricAsString('copilot_proxy_upstream_failures_total')
      .then((text) => {
        const line = text
          .split('\n')
          .find((l) =>
            l.startsWith(
              `copilot_proxy_upstream_failures_total{kind="${kind}"}`,
            ),
          );
        return line ? Number(line.split(' ').pop()) : 0;
      });

  it('answers a ProxyError with its status and the OpenAI error body', async () => {
    handle(
      new ProxyError('upstream_timeout', {
        detail: 'upstream sent no response headers within 200 ms',
      }),
    );
    expect(res.status).toBe(504);
    expect(res.reason).toBe('Gateway Timeout');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-length']).toBe(Buffer.byteLength(res.body!));
    expect(res.json()).toEqual({
      error: {
        message: 'The Copilot API did not answer in time',
        type: 'upstream_error',
        code: 'upstream_timeout',
      },
    });
    expect(res.destroy).not.toHaveBeenCalled();
  });

  it('records the outcome and detail in the request context', () => {
    handle(
      new ProxyError('upstream_timeout', {
        detail: 'upstream sent no response headers within 200 ms',
      }),
    );
    expect(context.outcome).toBe('upstream_timeout');
    expect(context.detail).toBe(
      'upstream sent no response headers within 200 ms',
    );
  });

  it('counts upstream failures by kind', async () => {
    expect(await failures('timeout')).toBe(0);
    handle(new ProxyError('upstream_timeout'));
    expect(await failures('timeout')).toBe(1);
    handle(new ProxyError('upstream_unreachable'));
    expect(await failures('unreachable')).toBe(1);
    expect(await failures('timeout')).toBe(1);
  });

  it('does not count a client-side error as an upstream failure', async () => {
    handle(new ProxyError('unauthorized'));
    const text = await metrics.registry.getSingleMetricAsString(
      'copilot_proxy_upstream_failures_total',
    );
    expect(text).not.toMatch(/kind=/);
  });

  it("writes the ProxyError's own headers", () => {
    handle(
      new ProxyError('rate_limit_exceeded', {
        message: 'Rate limit exceeded: retry in 30 s',
        headers: { 'retry-after': '30' },
      }),
    );
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error).toEqual({
      message: 'Rate limit exceeded: retry in 30 s',
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
  });

  it('sends an HttpException that carries its own report unchanged', () => {
    const report = {
      status: 'error',
      info: {},
      error: { copilot: { status: 'down', detail: 'no token yet' } },
      details: { copilot: { status: 'down', detail: 'no token yet' } },
    };
    handle(new ServiceUnavailableException(report));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual(report);
    expect(context.outcome).toBeUndefined();
  });

  it('maps a Nest 400 to bad_request in the OpenAI shape', () => {
    handle(new BadRequestException('Unexpected token in JSON'));
    expect(res.status).toBe(400);
    expect(res.json().error).toEqual({
      message: 'Unexpected token in JSON',
      type: 'invalid_request_error',
      code: 'bad_request',
    });
  });

  it('answers an unknown error with a bare 500 and never echoes its message', () => {
    handle(new Error('db password is hunter2'));
    expect(res.status).toBe(500);
    expect(res.json().error).toEqual({
      message: 'Internal error in the proxy',
      type: 'server_error',
      code: 'internal_error',
    });
    expect(res.body).not.toContain('hunter2');
    expect(context.outcome).toBe('internal_error');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('hunter2'));
  });

  it('answers a thrown non-Error with a 500 too', () => {
    handle('a string');
    expect(res.status).toBe(500);
    expect(res.json().error.code).toBe('internal_error');
  });

  it("answers an error with a numeric status 400 (Express's URIError) as bad_request", () => {
    const uriError = Object.assign(
      new URIError("Failed to decode param '%E0%A4%A'"),
      { status: 400, statusCode: 400 },
    );
    handle(uriError);
    expect(res.status).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
    expect(res.json().error.type).toBe('invalid_request_error');
    expect(context.outcome).toBe('bad_request');
  });

  it('destroys the response and writes nothing once headers were sent', async () => {
    res.headersSent = true;
    handle(new ProxyError('upstream_timeout'));
    expect(res.writeHead).not.toHaveBeenCalled();
    expect(res.end).not.toHaveBeenCalled();
    expect(res.destroy).toHaveBeenCalledTimes(1);
    expect(context.outcome).toBe('upstream_timeout');
    expect(await failures('timeout')).toBe(1);
  });

  it('destroys the response for a report too when headers were sent', () => {
    res.headersSent = true;
    handle(new ServiceUnavailableException({ status: 'error' }));
    expect(res.writeHead).not.toHaveBeenCalled();
    expect(res.destroy).toHaveBeenCalledTimes(1);
  });

  it('leaves an already ended response alone', () => {
    res.headersSent = true;
    res.writableEnded = true;
    handle(new ProxyError('internal_error'));
    expect(res.writeHead).not.toHaveBeenCalled();
    expect(res.destroy).not.toHaveBeenCalled();
  });
});

describe('rawErrorResponse', () => {
  const error = new ProxyError('unauthorized', {
    message: 'Clé invalide — réessayez',
    headers: { 'www-authenticate': 'Bearer realm="copilot-proxy"' },
  });

  it('builds an HTTP/1.1 response with a byte-exact Content-Length', () => {
    const raw = rawErrorResponse(error);
    const [head, body] = raw.split('\r\n\r\n');
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 401 Unauthorized');
    expect(lines).toContain(
      `Content-Length: ${Buffer.byteLength(errorBody(error))}`,
    );
    expect(lines).toContain('Connection: close');
    expect(lines).toContain('www-authenticate: Bearer realm="copilot-proxy"');
    expect(body).toBe(errorBody(error));
    // Non-ASCII message: characters and bytes differ.
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length);
  });

  it("is parsed by Node's HTTP client as the error", async () => {
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end(rawErrorResponse(error)));
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await new Promise<{
        status: number | undefined;
        headers: http.IncomingHttpHeaders;
        body: string;
      }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          })
          .on('error', reject);
      });
      expect(answer.status).toBe(401);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers['www-authenticate']).toBe(
        'Bearer realm="copilot-proxy"',
      );
      expect(JSON.parse(answer.body)).toEqual({
        error: {
          message: 'Clé invalide — réessayez',
          type: 'authentication_error',
          code: 'unauthorized',
        },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
