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
import { ResponseRelay } from './response-relay';
import { buildUpstreamRequest } from './upstream-request';

/**
 * The request path of every proxied request, one stage after another: build the
 * upstream request, inspect a model request's body (initiator and vision
 * headers), call upstream (token, transport, one 401 retry), relay the answer —
 * or answer a count_tokens call the upstream does not serve. A stage that fails
 * throws a `ProxyError`; the exception filter answers it. New stages (quota,
 * cache, metering) go between these.
 */
@Injectable()
export class ProxyService {
  constructor(
    private readonly inspector: RequestInspector,
    private readonly tokenCount: TokenCountFallback,
    private readonly client: CopilotClient,
    private readonly relay: ResponseRelay,
    private readonly metrics: MetricsService,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = requestContext(req);
    const built = buildUpstreamRequest(context, req);
    const inspected = await this.inspector.inspect(context, built);
    const request = await this.tokenCount.prepare(inspected);
    const upstream = await this.callUpstream(context, request);
    if (this.tokenCount.answer(context, request, upstream, res)) return;
    this.relay.relay(context, upstream, res);
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
    if (request.signal.aborted) {
      upstream.body.destroy();
      throw new ProxyError('client_closed');
    }
    return upstream;
  }
}
