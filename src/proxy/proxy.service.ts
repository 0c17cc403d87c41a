import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import {
  RequestContext,
  requestContext,
} from '../request-context/request-context';
import { ResponseRelay } from './response-relay';
import { buildUpstreamRequest } from './upstream-request';

/**
 * The request path of every proxied request, one stage after another: build the
 * upstream request, call upstream (token, transport, one 401 retry), relay the
 * answer. A stage that fails throws a `ProxyError`; the exception filter answers
 * it. New stages (body inspection, quota, cache, metering) go between these.
 */
@Injectable()
export class ProxyService {
  constructor(
    private readonly client: CopilotClient,
    private readonly relay: ResponseRelay,
    private readonly metrics: MetricsService,
  ) {}

  async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const context = requestContext(req);
    const request = buildUpstreamRequest(context, req);
    const upstream = await this.callUpstream(context, request);
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
