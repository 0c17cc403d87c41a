import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ModelsCache } from '../cache/models-cache';
import { ResponseCache } from '../cache/response-cache';
import { ProxyError } from '../errors/proxy-error';
import { AnswerBudget } from '../http/answer-budget';
import type { BodyTap } from '../http/body-tap';
import { isEventStream } from '../http/header-policy';
import { RequestInspector } from '../inspection/request-inspector';
import { TokenCountFallback } from '../inspection/token-count.fallback';
import { ToolCallIds } from '../inspection/tool-call-ids';
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
import { BridgeStage } from '../bridge/bridge.stage';
import { CompatStage } from '../compat/compat.stage';
import { ThinkingRetry } from '../compat/retry-without-thinking';
import type { CachedHead } from '../cache/response-cache';
import { buildUpstreamRequest } from './upstream-request';
import { TracingService } from '../tracing/tracing.service';
import { SeatStage } from '../seats/seat.stage';

/**
 * The request path of every proxied request, one stage after another:
 * 1. build the upstream request (method, canonical path, header policy), and
 *    refuse a model call while Copilot limits the account (its 429 cooldown);
 * 2. a request that is no model call is held to its key's quota;
 * 3. `/models` from the account's cache;
 * 4. inspect a model request's body (initiator and vision headers), then the
 *    bridge: resolve its model id, and translate it when the model is served
 *    on another API than the client's; then the compatibility stage: the
 *    smallest edits the real Copilot needs to accept what goes up (SPEC §13);
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
    private readonly bridge: BridgeStage,
    private readonly fingerprint: CopilotFingerprint,
    private readonly seats: SeatStage,
    private readonly compat: CompatStage,
    private readonly thinkingRetry: ThinkingRetry,
    private readonly toolCalls: ToolCallIds,
    private readonly tracing: TracingService,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = requestContext(req);
    const built = buildUpstreamRequest(context, req, this.fingerprint.policy);
    // A `seat: own` key's requests go on its holder's seat (SPEC §14).
    const seating = this.seats.attach(context);
    if (seating) await seating;
    await this.cooldown.check(context);
    if (context.endpoint === undefined) await this.usage.precheck(context, res);
    if (await this.modelsCache.serve(context, req, res)) return;
    const inspected = await this.inspector.inspect(context, built, req);
    this.tracing.captureInput(context, inspected.body);
    const plan = await this.bridge.plan(context, inspected);
    const adjusted = this.compat.adjust(
      context,
      plan.request,
      plan.body ?? inspected.body,
    );
    if (context.endpoint !== undefined) await this.usage.admit(context, res);
    // Keyed by the client's request, whatever goes upstream for it.
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
    const sent = adjusted === inspected.request ? lookup.request : adjusted;
    const request = await this.tokenCount.prepare(context, sent, res);
    if (!request) return;
    const upstream = await this.thinkingRetry.answer(
      context,
      request,
      await this.callUpstream(context, request),
      (again) => this.callUpstream(context, again),
    );
    if (this.tokenCount.answer(context, request, upstream, res)) return;
    const store =
      lookup.storeKey === undefined
        ? undefined
        : this.responseCache.storeTap(
            lookup.storeKey,
            plan.translation ? () => translatedHead(res) : () => upstream,
            isEventStream(upstream.rawHeaders),
          );
    const calls = this.toolCalls.tap(
      context.keyName,
      upstream.status,
      isEventStream(upstream.rawHeaders),
    );
    this.relay.relay(
      context,
      upstream,
      res,
      { upstream: this.meter(context, upstream), client: both(store, calls) },
      plan.translation,
    );
  }

  /** The metering stage: a tap that reads usage from a model answer as it passes. */
  private meter(
    context: RequestContext,
    upstream: UpstreamResponse,
  ): BodyTap | undefined {
    if (context.endpoint === undefined) return undefined;
    const streaming = isEventStream(upstream.rawHeaders);
    const tap = new UsageTap(streaming, this.answers);
    return this.tracing.tap(
      context,
      {
        chunk: (chunk) => tap.push(chunk),
        end: (outcome) =>
          this.usage.record(context, {
            status: upstream.status,
            usage: tap.end(),
            contentBytes: tap.content,
            outcome,
          }),
      },
      streaming,
    );
  }

  /**
   * Sends the request upstream. Once it has gone, a client that leaves before
   * the answer still pays for the call: Copilot bills what it was sent.
   */
  private async callUpstream(
    context: RequestContext,
    request: UpstreamRequest,
  ): Promise<UpstreamResponse> {
    const timer = this.metrics.upstreamHeadersTimer(context.route);
    let upstream;
    this.tracing.upstreamStarted(context, request);
    try {
      upstream = await this.client.send(request, context.seatTokens);
    } catch (error) {
      if (error instanceof ProxyError && error.code === 'client_closed')
        this.chargeUnanswered(context);
      throw error;
    }
    timer();
    context.upstreamMs = performance.now() - context.startedAt;
    context.account = upstream.account;
    const seat = context.seatTokens ? upstream.account : undefined;
    this.account.observe(upstream.status, upstream.rawHeaders, seat);
    this.fingerprint.observe(upstream.status, context.seatLogin);
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

/** One tap for two (either may be absent). */
function both(
  a: BodyTap | undefined,
  b: BodyTap | undefined,
): BodyTap | undefined {
  if (!a || !b) return a ?? b;
  return {
    chunk: (chunk) => {
      a.chunk(chunk);
      b.chunk(chunk);
    },
    end: (outcome) => {
      a.end(outcome);
      b.end(outcome);
    },
  };
}

/** Headers the proxy sets for one request: never kept with a cached answer. */
const OWN_HEADERS =
  /^(x-request-id|x-cache|age|x-quota-|x-ratelimit-|x-copilot-adjusted)/i;

/** What the client got of a translated answer, as it is kept in the cache. */
function translatedHead(res: ServerResponse): CachedHead {
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || OWN_HEADERS.test(name)) continue;
    for (const one of Array.isArray(value) ? value : [value])
      rawHeaders.push(name, String(one));
  }
  return {
    status: res.statusCode,
    statusMessage: res.statusMessage,
    rawHeaders,
  };
}
