import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawErrorResponse } from '../errors/error-writer';
import { ProxyError } from '../errors/proxy-error';
import { ShutdownService } from '../lifecycle/shutdown.service';
import { RequestLogger } from '../logging/request-logger';
import { MetricsService } from '../metrics/metrics.service';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { limitBodyIdle } from './body-idle-limit';
import { bindRequestContext, RequestContext } from './request-context';
import { requestId } from './request-id';
import { parseTarget } from './request-target';
import { TracingService } from '../tracing/tracing.service';

const CONNECT_REFUSAL = rawErrorResponse(
  new ProxyError('method_not_allowed', {
    message: 'CONNECT is not allowed through this proxy',
  }),
);

/**
 * The only raw listeners on the HTTP server, in one explicit order. Ahead of
 * Express: the request's context (id, target, route), the echoed `X-Request-Id`,
 * the drain's bookkeeping and the body's idle limit. When the response closes: abort the upstream if the
 * client left early, then — once every other close listener has run — end hooks,
 * drain bookkeeping, the log line, the request metric. One `close` listener per
 * request serves them all.
 */
@Injectable()
export class ServerListeners implements OnApplicationBootstrap {
  private readonly bodyIdleMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly shutdown: ShutdownService,
    private readonly logger: RequestLogger,
    private readonly metrics: MetricsService,
    private readonly tracing: TracingService,
    config: ConfigService<Settings, true>,
  ) {
    this.bodyIdleMs = config.get('app', { infer: true }).bodyIdleTimeoutMs;
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.prependListener('request', this.onRequest);
    // Node hands CONNECT to a separate event, outside Express: refuse it there.
    server.on('connect', this.onConnect);
  }

  private readonly onRequest = (
    req: IncomingMessage,
    res: ServerResponse,
  ): void => {
    const context = new RequestContext(
      requestId(req),
      req.method ?? '',
      parseTarget(req.url ?? ''),
    );
    bindRequestContext(req, context);
    this.tracing.requestStarted(context, req);
    res.setHeader('X-Request-Id', context.id);
    this.shutdown.requestStarted(res);
    limitBodyIdle(req, res, this.bodyIdleMs);
    res.once('close', () => {
      if (!res.writableFinished) context.clientClosed();
      // After the other close listeners (the stream pipe's among them), so the
      // line of a request its client cut short has its bytes, tokens and outcome.
      setImmediate(() => {
        context.ended();
        this.shutdown.requestEnded(res);
        this.tracing.requestEnded(context, res.statusCode);
        this.logger.write(context, res);
        this.metrics.observeRequest(context, res.statusCode);
      });
    });
  };

  private readonly onConnect = (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end(CONNECT_REFUSAL);
  };
}
