import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ModelsCache } from '../cache/models-cache';
import { ResponseCache } from '../cache/response-cache';
import { ProxyError } from '../errors/proxy-error';
import { AnswerBudget } from '../http/answer-budget';
import { BodyTap, joinTaps } from '../http/body-tap';
import { isEventStream } from '../http/header-policy';
import { RequestInspector } from '../inspection/request-inspector';
import { TokenCountFallback } from '../inspection/token-count.fallback';
import { MetricsService } from '../metrics/metrics.service';
import {
  RequestContext,
  requestContext,
} from '../request-context/request-context';
import { CopilotAccount } from '../usage/copilot-account.service';
import { CopilotCooldown } from '../usage/copilot-cooldown';
import { UsageTap } from '../usage/usage-tap';
import { UsageService } from '../usage/usage.service';
import { ResponseRelay } from './response-relay';
import { buildUpstreamRequest } from './upstream-request';

/**
 * The request path of every proxied request, one stage after another:
 * 1. build the upstream request (method, canonical path, header policy), and
 *    refuse a model call while Copilot limits the account (its 429 cooldown);
 * 2. a request that is no model call is held to its key's quota;
 * 3. `/models` from the account's cache;
 * 4. inspect a model request's body (initiator and vision headers);
 * 5. admit a model call against its key's quota, its cost reserved;
 * 6. the response cache: a hit answers here and gives the reservation back;
 * 7. call upstream (token, transport, one 401 retry);
 * 8. relay the answer, with usage metering and the cache's store on its way out
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
    private readonly answers: AnswerBudget,
    private readonly cooldown: CopilotCooldown,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = requestContext(req);
    const built = buildUpstreamRequest(context, req);
    await this.cooldown.check(context);
    if (context.endpoint === undefined) await this.usage.precheck(context, res);
    if (await this.modelsCache.serve(context, req, res)) return;
    const inspected = await this.inspector.inspect(context, built, req);
    if (context.endpoint !== undefined) await this.usage.admit(context, res);
    const lookup = await this.responseCache.lookup(
      context,
      req,
      res,
      inspected.request,
    );
    if (lookup.served) {
      this.usage.recordCacheHit(context);
      return;
    }
    const request = await this.tokenCount.prepare(context, lookup.request);
    const upstream = await this.callUpstream(context, request);
    if (this.tokenCount.answer(context, request, upstream, res)) return;
    const store =
      lookup.storeKey !== undefined
        ? this.responseCache.storeTap(lookup.storeKey, upstream)
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
    if (context.endpoint === undefined) return undefined;
    const tap = new UsageTap(isEventStream(upstream.rawHeaders), this.answers);
    return {
      chunk: (chunk) => tap.push(chunk),
      end: (outcome) =>
        this.usage.record(context, {
          status: upstream.status,
          usage: tap.end(),
          contentBytes: tap.content,
          outcome,
        }),
    };
  }

  /**
   * Sends the request upstream. Once it has gone, a client that leaves before
   * the answer still pays for the call: Copilot bills what it was sent.
   */
  private async callUpstream(
    context: RequestContext,
    request: UpstreamRequest,
  ): Promise<UpstreamResponse> {
    const timer = this.metrics.upstreamHeaders.startTimer({
      route: context.route,
    });
    let upstream;
    try {
      upstream = await this.client.send(request);
    } catch (error) {
      if (error instanceof ProxyError && error.code === 'client_closed')
        this.chargeUnanswered(context);
      throw error;
    }
    timer();
    context.upstreamMs = performance.now() - context.startedAt;
    context.account = upstream.account;
    this.account.observe(upstream.status, upstream.rawHeaders);
    this.cooldown.observe(
      upstream.account,
      upstream.status,
      upstream.rawHeaders,
    );
    if (request.signal.aborted) {
      upstream.body.destroy();
      if (upstream.status >= 200 && upstream.status < 300)
        this.chargeUnanswered(context);
      throw new ProxyError('client_closed');
    }
    return upstream;
  }

  private chargeUnanswered(context: RequestContext): void {
    if (context.endpoint !== undefined) this.usage.recordUnanswered(context);
  }
}
