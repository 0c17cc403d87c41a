import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Readable } from 'node:stream';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import { MetricsService } from '../metrics/metrics.service';
import { hasHeader, headerValue, setHeader } from '../http/header-policy';
import type { RequestContext } from '../request-context/request-context';
import { BodyBuffers } from './body-buffers';
import { readConversation } from './conversation';

/**
 * The Copilot-aware stage (SPEC §8). A `POST` to chat completions,
 * `/v1/messages` or `/responses` has its JSON body read — never changed — to add
 * `X-Initiator` (`user` only on a person's turn, so an agent's tool round trips
 * spend no premium request) and `Copilot-Vision-Request: true` when a part is an
 * image, unless the client sent them. The bytes go upstream as they came, with a
 * `Content-Length`; a body that is not JSON, or longer than `INSPECT_MAX_BYTES`,
 * goes as it is, streamed, with nothing inferred. Inspection never fails a request.
 */
@Injectable()
export class RequestInspector {
  private readonly enabled: boolean;
  private readonly maxBytes: number;

  constructor(
    config: ConfigService<Settings, true>,
    private readonly metrics: MetricsService,
    private readonly buffers: BodyBuffers,
  ) {
    const inspection = config.get('inspection', { infer: true });
    this.enabled = inspection.initiator === 'auto';
    this.maxBytes = inspection.maxBytes;
  }

  async inspect(
    context: RequestContext,
    request: UpstreamRequest,
  ): Promise<UpstreamRequest> {
    const kind = context.endpoint;
    if (
      kind === undefined ||
      kind === 'embeddings' ||
      !(request.body instanceof Readable)
    )
      return request;
    const clientSet = hasHeader(request.headers, 'x-initiator');
    if (clientSet) {
      context.initiatorHeader = headerValue(request.headers, 'x-initiator');
    }
    if (!this.enabled)
      return this.record(context, request, clientSet ? 'client' : 'none');

    const read = await this.buffers.read(context, request.body, this.maxBytes);
    if ('stream' in read) {
      return this.record(
        context,
        { ...request, body: read.stream },
        clientSet ? 'client' : 'none',
      );
    }
    context.requestBytes = read.bytes.length;
    const headers = { ...request.headers };
    setHeader(headers, 'Content-Length', String(read.bytes.length));
    const inspected = { ...request, headers, body: read.bytes };
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      return this.record(context, inspected, clientSet ? 'client' : 'none');
    }
    const facts = readConversation(kind, parsed);
    context.model = facts.model;
    if (facts.vision && !hasHeader(headers, 'copilot-vision-request')) {
      headers['Copilot-Vision-Request'] = 'true';
    }
    if (clientSet) return this.record(context, inspected, 'client');
    if (facts.initiator === undefined)
      return this.record(context, inspected, 'none');
    headers['X-Initiator'] = facts.initiator;
    context.initiatorHeader = facts.initiator;
    return this.record(context, inspected, facts.initiator);
  }

  private record(
    context: RequestContext,
    request: UpstreamRequest,
    initiator: NonNullable<RequestContext['initiator']>,
  ): UpstreamRequest {
    context.initiator = initiator;
    this.metrics.initiators.inc({ initiator });
    return request;
  }
}
