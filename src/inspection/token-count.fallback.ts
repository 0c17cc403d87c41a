import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import type { RequestContext } from '../request-context/request-context';
import { BodyBuffers } from './body-buffers';
import { countTokens } from './token-counter';

const COUNT_TOKENS = /^\/v1\/messages\/count_tokens(?:\?|$)/;

/** Marks a locally counted answer: an estimate with this tokenizer. */
export const ESTIMATE_HEADER = 'X-Token-Count-Estimate';

/**
 * Claude Code calls `POST /v1/messages/count_tokens`. It is forwarded; when the
 * upstream has no such endpoint (404), the proxy answers it from the request body
 * it kept, with a count from a BPE tokenizer, marked as an estimate.
 */
@Injectable()
export class TokenCountFallback {
  private readonly maxBytes: number;

  constructor(
    config: ConfigService<Settings, true>,
    private readonly buffers: BodyBuffers,
  ) {
    this.maxBytes = config.get('inspection', { infer: true }).maxBytes;
  }

  /** Keeps a count_tokens body in hand, so a 404 can be answered from it. */
  async prepare(
    context: RequestContext,
    request: UpstreamRequest,
  ): Promise<UpstreamRequest> {
    if (
      request.method !== 'POST' ||
      !COUNT_TOKENS.test(request.path) ||
      !(request.body instanceof Readable)
    )
      return request;
    const read = await this.buffers.read(context, request.body, this.maxBytes);
    return { ...request, body: 'bytes' in read ? read.bytes : read.stream };
  }

  /** Answers a count_tokens request the upstream does not serve; true when it did. */
  answer(
    context: RequestContext,
    request: UpstreamRequest,
    upstream: UpstreamResponse,
    res: ServerResponse,
  ): boolean {
    if (
      upstream.status !== 404 ||
      !COUNT_TOKENS.test(request.path) ||
      !Buffer.isBuffer(request.body)
    )
      return false;
    let inputTokens: number;
    try {
      inputTokens = countTokens(JSON.parse(request.body.toString('utf8')));
    } catch {
      return false; // not JSON: the upstream's 404 goes to the client
    }
    upstream.body.destroy();
    const body = JSON.stringify({ input_tokens: inputTokens });
    context.upstreamStatus = upstream.status;
    context.outcome = 'counted_locally';
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [ESTIMATE_HEADER]: 'o200k_base',
    });
    res.end(body);
    return true;
  }
}
