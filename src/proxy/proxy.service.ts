import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
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
import { isEventStream } from './header-policy';
import { BodyTap, ResponseRelay } from './response-relay';
import { buildUpstreamRequest } from './upstream-request';

/**
 * The request path of every proxied request, one stage after another: build the
 * upstream request, inspect a model request's body (initiator and vision
 * headers), call upstream (token, transport, one 401 retry), relay the answer —
 * or answer a count_tokens call the upstream does not serve. Around the call: the
 * key's quota before it, usage metering on the answer's way out. A stage that
 * fails throws a `ProxyError`; the exception filter answers it.
 */
@Injectable()
export class ProxyService {
  constructor(
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
    const inspected = await this.inspector.inspect(context, built);
    await this.usage.checkQuota(context, res);
    const request = await this.tokenCount.prepare(inspected);
    const upstream = await this.callUpstream(context, request);
    if (this.tokenCount.answer(context, request, upstream, res)) return;
    this.relay.relay(context, upstream, res, this.meter(context, upstream));
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
      end: () => void this.usage.record(context, upstream.status, tap.end()),
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
    context.account = upstream.account;
    this.account.observe(upstream.status, upstream.rawHeaders);
    if (request.signal.aborted) {
      upstream.body.destroy();
      throw new ProxyError('client_closed');
    }
    return upstream;
  }
}
