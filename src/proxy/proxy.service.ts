import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ModelsCache } from '../cache/models-cache';
import { ResponseCache } from '../cache/response-cache';
import { ProxyError } from '../errors/proxy-error';
import { RequestInspector } from '../inspection/request-inspector';
import { TokenCountFallback } from '../inspection/token-count.fallback';
import { MetricsService } from '../metrics/metrics.service';
import {
  RequestContext,
  requestContext,
} from '../request-context/request-context';
import { CopilotAccount } from '../usage/copilot-account.service';
import { UsageTap } from '../usage/usage-tap';
import { UsageService } from '../usage/usage.service';
import { isEventStream } from '../http/header-policy';
import { BodyTap, joinTaps } from '../http/body-tap';
import { ResponseRelay } from './response-relay';
import { buildUpstreamRequest } from './upstream-request';

/**
 * The request path of every proxied request, one stage after another:
 * 1. build the upstream request (method, path, header policy);
 * 2. the key's quota (every proxied request: a key past it gets nothing more);
 * 3. `/models` from the account's cache;
 * 4. inspect a model request's body (initiator and vision headers);
 * 5. the response cache: a hit answers here and is not counted against the quota;
 * 6. call upstream (token, transport, one 401 retry);
 * 7. relay the answer, with usage metering and the cache's store on its way out
 *    — or answer a count_tokens call the upstream does not serve.
 * A stage that fails throws a `ProxyError`; the exception filter answers it.
 */
@Injectable()
export class ProxyService {
  constructor(
    private readonly modelsCache: ModelsCache,
    private readonly responseCache: ResponseCache,
    private readonly inspector: RequestInspector,
    private readonly tokenCount: TokenCountFallback,
    private readonly client: CopilotClient,
    private readonly relay: ResponseRelay,
    private readonly usage: UsageService,
    private readonly account: CopilotAccount,
    private readonly metrics: MetricsService,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = requestContext(req);
    const built = buildUpstreamRequest(context, req);
    await this.usage.checkQuota(context, res);
    if (await this.modelsCache.serve(context, req, res)) return;
    const inspected = await this.inspector.inspect(context, built);
    const cached = await this.responseCache.lookup(
      context,
      req,
      res,
      inspected,
    );
    if (!cached) {
      // Served from the response cache: metered apart, nothing against the quota.
      void this.usage.recordCacheHit(context);
      return;
    }
    const request = await this.tokenCount.prepare(context, cached.request);
    const upstream = await this.callUpstream(context, request);
    if (this.tokenCount.answer(context, request, upstream, res)) return;
    const store =
      cached.storeKey !== undefined
        ? this.responseCache.storeTap(cached.storeKey, upstream)
        : undefined;
    this.relay.relay(
      context,
      upstream,
      res,
      joinTaps(this.meter(context, upstream), store),
    );
  }

  /** The metering stage: a tap that reads usage from a model answer as it passes. */
  private meter(
    context: RequestContext,
    upstream: UpstreamResponse,
  ): BodyTap | undefined {
    if (!this.usage.meters(context)) return undefined;
    const tap = new UsageTap(isEventStream(upstream.rawHeaders));
    return {
      chunk: (chunk) => tap.push(chunk),
      end: (outcome) =>
        void this.usage.record(context, upstream.status, tap.end(), outcome),
    };
  }

  private async callUpstream(
    context: RequestContext,
    request: UpstreamRequest,
  ): Promise<UpstreamResponse> {
    const timer = this.metrics.upstreamHeaders.startTimer({
      route: context.route,
    });
    const upstream = await this.client.send(request);
    timer();
    context.upstreamMs = performance.now() - context.startedAt;
    context.account = upstream.account;
    this.account.observe(upstream.status, upstream.rawHeaders);
    if (request.signal.aborted) {
      upstream.body.destroy();
      throw new ProxyError('client_closed');
    }
    return upstream;
  }
}
