import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import {
  deleteHeader,
  hasHeader,
  headerValue,
  intentOf,
  setHeader,
} from '../http/header-policy';
import { MetricsService } from '../metrics/metrics.service';
import type { RequestContext } from '../request-context/request-context';
import { backgroundCall } from './background-call';
import { BodyBuffers } from './body-buffers';
import {
  answeredToolCalls,
  ConversationKind,
  readConversation,
} from './conversation';
import { ToolCallIds } from './tool-call-ids';

/** What inspection made of a model request: what to send, and its parsed body. */
export interface Inspection {
  request: UpstreamRequest;
  /** The body as parsed JSON, when it was read and is JSON. */
  body?: unknown;
}

/** Model names reach the log line: printable and at most this long. */
const MAX_LOGGED_MODEL = 100;

/**
 * The Copilot-aware stage (SPEC §8, §12). A `POST` to chat completions,
 * `/v1/messages` or `/responses` has its JSON body read — never changed — to add
 * `X-Initiator` (`user` only on a person's turn, so an agent's tool round trips
 * and a client's background calls spend no premium request) and
 * `Copilot-Vision-Request: true` when a part is an image. A client's own
 * `X-Initiator` wins, sent on as exactly `user` or `agent`, unless its key says
 * `initiator: infer`: then a turn is the agent's only when its tool results
 * answer tool calls the upstream made for that key (`ToolCallIds`). The bytes go upstream as they came, with a
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
    private readonly keys: ClientKeyRegistry,
    private readonly toolCalls: ToolCallIds,
  ) {
    const inspection = config.get('inspection', { infer: true });
    this.enabled = inspection.initiator === 'auto';
    this.maxBytes = inspection.maxBytes;
  }

  async inspect(
    context: RequestContext,
    request: UpstreamRequest,
    req: IncomingMessage,
  ): Promise<Inspection> {
    const kind = context.endpoint;
    if (
      kind === undefined ||
      kind === 'embeddings' ||
      !(request.body instanceof Readable)
    )
      return { request };
    // The request's own headers, built for this call: edited in place, not copied.
    const headers = request.headers;
    const infer =
      context.keyName !== undefined &&
      this.keys.named(context.keyName)?.initiator === 'infer';
    const offered = headerValue(headers, 'x-initiator');
    if (infer) {
      deleteHeader(headers, 'x-initiator');
      setHeader(headers, 'x-interaction-type', intentOf(request.path));
    }
    const clientSet = offered !== undefined && !infer;
    if (clientSet) {
      // What Copilot bills is `agent` or anything else: say which, exactly.
      const value = offered === 'agent' ? 'agent' : 'user';
      setHeader(headers, 'X-Initiator', value);
      context.initiatorHeader = value;
    }
    const unread = (body: Readable | Buffer): Inspection => ({
      request: { ...request, headers, body },
    });
    if (!this.enabled)
      return this.record(
        context,
        unread(request.body),
        clientSet ? 'client' : 'none',
        clientSet ? 'client' : 'passthrough',
      );

    const read = await this.buffers.read(context, request.body, this.maxBytes);
    if ('stream' in read)
      return this.record(
        context,
        unread(read.stream),
        clientSet ? 'client' : 'none',
      );
    context.requestBytes = read.bytes.length;
    setHeader(headers, 'Content-Length', String(read.bytes.length));
    const inspected = { ...request, headers, body: read.bytes };
    let parsed: unknown;
    try {
      parsed = JSON.parse(read.bytes.toString('utf8'));
    } catch {
      return this.record(
        context,
        { request: inspected },
        clientSet ? 'client' : 'none',
      );
    }
    const result: Inspection = { request: inspected, body: parsed };
    const facts = readConversation(kind, parsed);
    context.model = loggable(facts.model);
    context.maxOutputTokens = outputLimit(parsed);
    if (facts.vision && !hasHeader(headers, 'copilot-vision-request')) {
      headers['Copilot-Vision-Request'] = 'true';
    }
    if (clientSet) return this.record(context, result, 'client');
    // Under `infer` nothing the client says decides: its background-call markers
    // are headers and fields it could set on any call.
    const background = infer
      ? undefined
      : backgroundCall(kind, req.headers, parsed);
    if (background) {
      headers['X-Initiator'] = 'agent';
      // It replaces the default (`conversation-agent`), not the client's own.
      if (
        background.interactionType &&
        req.headers['x-interaction-type'] === undefined
      )
        setHeader(headers, 'X-Interaction-Type', background.interactionType);
      context.initiatorHeader = 'agent';
      return this.record(context, result, 'agent', background.reason);
    }
    if (facts.initiator === undefined)
      return this.record(context, result, 'none');
    let initiator = facts.initiator;
    let reason = 'conversation';
    if (
      infer &&
      initiator === 'agent' &&
      !this.answersSeenCalls(context, kind, parsed)
    ) {
      // An assistant turn last, or tool results for calls the upstream never
      // made for this key: shaped by the client, so a person's turn.
      initiator = 'user';
      reason = 'unseen-tool-call';
    }
    headers['X-Initiator'] = initiator;
    context.initiatorHeader = initiator;
    return this.record(context, result, initiator, reason);
  }

  /** The last turn is tool results, each for a call the upstream made for this key. */
  private answersSeenCalls(
    context: RequestContext,
    kind: ConversationKind,
    body: unknown,
  ): boolean {
    return this.toolCalls.answer(
      context.keyName!,
      answeredToolCalls(kind, body),
    );
  }

  private record(
    context: RequestContext,
    inspection: Inspection,
    initiator: NonNullable<RequestContext['initiator']>,
    reason: string = initiator === 'client' ? 'client' : 'unread',
  ): Inspection {
    context.initiator = initiator;
    context.initiatorReason = reason;
    this.metrics.countInitiator(initiator, reason);
    return inspection;
  }
}

/** A model name as the log may carry it (the body's string is the client's). */
function loggable(model: string | undefined): string | undefined {
  if (model === undefined) return undefined;
  const printable = model.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_LOGGED_MODEL
    ? `${printable.slice(0, MAX_LOGGED_MODEL)}…`
    : printable;
}

/** The output limit a body asks for, in any API's field (the quota reserves it). */
function outputLimit(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as Record<string, unknown>;
  for (const name of [
    'max_tokens',
    'max_completion_tokens',
    'max_output_tokens',
  ]) {
    const value = fields[name];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0)
      return Math.floor(value);
  }
  return undefined;
}
