import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import type { RequestContext } from '../request-context/request-context';
import { BodyBuffers } from './body-buffers';
import { CountBudget } from './count-budget';
import { COUNT_LIMITS } from './budgeted-count';
import { o200kEncoder } from './o200k-encoder';
import { countTokens } from './token-counter';
import { resolveModel } from '../models/model-resolver';
import { withModel } from '../models/model-in-body';
import { CopilotClient } from '../copilot/copilot-client';
import { setHeader } from '../http/header-policy';
import { ModelCatalog } from '../models/model-catalog.service';

const COUNT_TOKENS = /^\/v1\/messages\/count_tokens(?:\?|$)/;

/** Marks a locally counted answer: an estimate with this tokenizer. */
export const ESTIMATE_HEADER = 'X-Token-Count-Estimate';

/**
 * Claude Code calls `POST /v1/messages/count_tokens`. Its model id is resolved
 * as the bridge resolves it (only the `model` value changes in the bytes); a
 * model Copilot does not serve on `/v1/messages` cannot be counted upstream, so
 * the proxy answers at once; otherwise it is forwarded, and when the upstream has
 * no such endpoint (404) the proxy answers it from the body it kept. The
 * proxy's count comes from a BPE tokenizer and is marked as an estimate.
 */
@Injectable()
export class TokenCountFallback implements OnModuleInit {
  private readonly maxBytes: number;

  private readonly aliases: ReadonlyMap<string, string>;
  private readonly budget = new CountBudget();

  constructor(
    config: ConfigService<Settings, true>,
    private readonly buffers: BodyBuffers,
    private readonly catalog: ModelCatalog,
    private readonly client: CopilotClient,
  ) {
    this.maxBytes = config.get('inspection', { infer: true }).maxBytes;
    this.aliases = config.get('bridge', { infer: true }).aliases;
  }

  /**
   * Loads the tokenizer before the server listens: loaded by the first count,
   * it held the event loop for 1.5 s while every other request waited.
   */
  onModuleInit(): void {
    o200kEncoder();
  }

  /**
   * Keeps a count_tokens body in hand, so a 404 can be answered from it; the
   * request to send, or undefined when the proxy answered it already.
   */
  async prepare(
    context: RequestContext,
    request: UpstreamRequest,
    res: ServerResponse,
  ): Promise<UpstreamRequest | undefined> {
    if (
      request.method !== 'POST' ||
      !COUNT_TOKENS.test(request.path) ||
      !(request.body instanceof Readable)
    )
      return request;
    const read = await this.buffers.read(context, request.body, this.maxBytes);
    if (!('bytes' in read)) return { ...request, body: read.stream };
    const kept = { ...request, body: read.bytes };
    let body: unknown;
    const parseStarted = performance.now();
    try {
      body = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      return kept;
    }
    const parseMs = performance.now() - parseStarted;
    const requested = (body as { model?: unknown } | null)?.model;
    const entry = this.catalog.entry(await this.client.account());
    // The count's synchronous work began with the parse: the wait for the
    // account (a token exchange, at times) held no loop and is not charged.
    const startedAt = performance.now() - parseMs;
    if (typeof requested !== 'string' || !entry) return kept;
    const id = resolveModel(
      requested,
      (m) => entry.models.has(m),
      this.aliases,
    );
    if (id === undefined) return kept;
    context.model = id;
    const endpoints = entry.models.get(id)!.endpoints ?? [];
    if (!endpoints.includes('/v1/messages')) {
      this.write(
        context,
        res,
        body,
        read.bytes.length,
        'counted_locally_for_model',
        startedAt,
      );
      return undefined;
    }
    if (id === requested) return kept;
    const renamed = withModel(read.bytes, id);
    if (!renamed) return kept;
    const headers = { ...request.headers };
    setHeader(headers, 'Content-Length', String(renamed.length));
    return { ...request, headers, body: renamed };
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
    const startedAt = performance.now();
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.body.toString('utf8'));
    } catch {
      return false; // not JSON: the upstream's 404 goes to the client
    }
    upstream.body.destroy();
    context.upstreamStatus = upstream.status;
    this.write(
      context,
      res,
      parsed,
      request.body.length,
      'counted_locally',
      startedAt,
    );
    return true;
  }

  /**
   * The proxy's count: o200k_base while the counting budget allows, else 4
   * bytes a token of the body (`X-Token-Count-Estimate: bytes`). `startedAt`:
   * when the body was in hand, its parse being part of the count's time.
   */
  private write(
    context: RequestContext,
    res: ServerResponse,
    parsed: unknown,
    bodyBytes: number,
    outcome: string,
    startedAt: number,
  ): void {
    const estimate = () => Math.ceil(bodyBytes / 4);
    let counted: { tokens: number; exact: boolean };
    try {
      counted = this.budget.count(
        (deadline) =>
          countTokens(parsed, undefined, { ...COUNT_LIMITS, deadline }),
        estimate,
        startedAt,
      );
    } catch {
      // A body nested past the stack: its size is the estimate.
      counted = { tokens: estimate(), exact: false };
    }
    const { tokens, exact } = counted;
    const body = JSON.stringify({ input_tokens: tokens });
    context.outcome = outcome;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      [ESTIMATE_HEADER]: exact ? 'o200k_base' : 'bytes',
    });
    res.end(body);
  }
}
