import {
  CanActivate,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { Express } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ProxyError } from '../errors/proxy-error';
import { ProxyExceptionFilter } from '../errors/proxy-exception.filter';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { requestContext } from '../request-context/request-context';
import { ProxyController } from './proxy.controller';
import { ProxyService } from './proxy.service';

/**
 * Proxied paths are dispatched here, ahead of Express's router and Nest's
 * per-route pipeline, which cost more than the rest of the proxy together (see
 * docs/performance.md); the service's own endpoints still go through Express. The
 * request path stays one: the same guards that Nest runs as APP_GUARDs (client
 * key, then rate limit — whichever are on), the same `ProxyService.forward`, and
 * the same exception filter, called directly with the same execution context.
 */
@Injectable()
export class ProxyDispatcher implements OnApplicationBootstrap {
  private guards: CanActivate[] = [];
  private filter!: ProxyExceptionFilter;
  private express!: Express;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly proxy: ProxyService,
  ) {}

  onApplicationBootstrap(): void {
    this.guards = [ApiKeyGuard, RateLimitGuard]
      .map((type) => this.optional<CanActivate>(type))
      .filter((guard): guard is CanActivate => guard !== undefined);
    this.filter = this.moduleRef.get(ProxyExceptionFilter, { strict: false });
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.express = this.adapterHost.httpAdapter.getInstance<Express>();
    server.removeListener('request', this.express);
    server.on('request', this.onRequest);
  }

  private readonly onRequest = (
    req: IncomingMessage,
    res: ServerResponse,
  ): void => {
    if (requestContext(req).route === 'service') {
      this.express(req as never, res as never);
      return;
    }
    void this.dispatch(req, res);
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse) {
    // Express would swap the prototypes of `req` and `res` for its own; that
    // one call made every later property access on them (Node's HTTP code's
    // included) slow, over a third of the proxy's CPU per request (see
    // docs/performance.md). Nothing here needs Express's methods: the filter
    // and the relay write with Node's, and the guards read only `req.ip`,
    // computed as Express does (its `trust proxy` function) when they run.
    if (this.guards.length > 0)
      (req as { ip?: string }).ip = proxyaddr(
        req,
        // Read per request, as Express does: the setting may change after start.
        this.express.get('trust proxy fn') as Parameters<typeof proxyaddr>[1],
      );
    const context = new ExecutionContextHost(
      [req, res, () => undefined],
      ProxyController,
      ProxyController.prototype.forward,
    );
    context.setType('http');
    try {
      checkEscapes(req.url ?? '');
      for (const guard of this.guards) {
        if (!(await guard.canActivate(context)))
          throw new ProxyError('unauthorized');
      }
      await this.proxy.forward(req, res);
    } catch (error) {
      this.filter.catch(error, context);
    }
  }

  private optional<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return undefined;
    }
  }
}

/** A path Express's router would refuse to decode is refused here too. */
function checkEscapes(url: string): void {
  const q = url.indexOf('?');
  try {
    decodeURIComponent(q === -1 ? url : url.slice(0, q));
  } catch {
    throw new ProxyError('bad_request', {
      message: 'The request path has a malformed %-escape',
    });
  }
}
