import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BridgeConfig } from '../config/bridge.config';
import type { Settings } from '../config/settings';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import { ProxyError } from '../errors/proxy-error';
import { AnswerBudget } from '../http/answer-budget';
import { deleteHeader, setHeader } from '../http/header-policy';
import type { Inspection } from '../inspection/request-inspector';
import { MetricsService } from '../metrics/metrics.service';
import { ModelCatalog } from '../models/model-catalog.service';
import type { RequestContext } from '../request-context/request-context';
import { AnswerTranslation } from './answer-translation';
import { routeFor } from './api-route';
import { randomIds } from './bridge-ids';
import type { Direction } from './direction';
import { chatToResponses } from './directions/chat-to-responses';
import { messagesToChat } from './directions/messages-to-chat';
import { messagesToResponses } from './directions/messages-to-responses';
import { responsesToChat } from './directions/responses-to-chat';
import { Api, API_PATHS, BridgeNotes, Json, UntranslatableError } from './ir';
import { resolveModel } from '../models/model-resolver';
import { withModel } from '../models/model-in-body';
import { describeIgnored } from './requests/notes';
import { splitToolName } from './requests/tool-names';
import { TracingService } from '../tracing/tracing.service';

/** Translated bodies from this size on are held within the answer budget. */
const HELD_FROM_BYTES = 1024 * 1024;

const DIRECTIONS: readonly Direction[] = [
  messagesToChat,
  messagesToResponses,
  chatToResponses,
  responsesToChat,
];

/** What to send upstream for a model call, and how to answer when it was translated. */
export interface BridgePlan {
  request: UpstreamRequest;
  /** The body the bridge wrote, parsed (a translated call), for the stages after it. */
  body?: unknown;
  translation?: AnswerTranslation;
}

/**
 * The bridge (SPEC §11), a stage of the request path between inspection and
 * the quota: every model of the account from every client API. The requested
 * model id is resolved against the account's list (only the `model` value
 * changes in the bytes); when the model lists the client's API the request goes
 * as it is — the common case costs a map lookup — and otherwise it is
 * translated to an API the model lists, its answer translated back on the way.
 */
@Injectable()
export class BridgeStage {
  private readonly config: BridgeConfig;

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly client: CopilotClient,
    private readonly metrics: MetricsService,
    private readonly answers: AnswerBudget,
    config: ConfigService<Settings, true>,
    private readonly tracing: TracingService,
  ) {
    this.config = config.get('bridge', { infer: true });
  }

  async plan(
    context: RequestContext,
    inspection: Inspection,
  ): Promise<BridgePlan> {
    const { request, body } = inspection;
    const client = context.endpoint;
    if (
      !this.config.enabled ||
      client === undefined ||
      client === 'embeddings' ||
      !isObject(body) ||
      typeof body.model !== 'string' ||
      !Buffer.isBuffer(request.body)
    )
      return { request };
    const entry = this.catalog.entry(
      await this.client.account(context.seatTokens),
    );
    if (!entry) return { request };
    const id = resolveModel(
      body.model,
      (m) => entry.models.has(m),
      this.config.aliases,
    );
    if (id === undefined) return { request };
    const model = entry.models.get(id)!;
    const upstream = routeFor(client, model.endpoints);
    context.model = id;
    if (upstream === client) {
      if (id === body.model) return { request };
      return { request: this.renamed(context, request, body.model, id) };
    }
    const direction = DIRECTIONS.find(
      (d) => d.client === client && d.upstream === upstream,
    )!;
    const plan = this.tracing.within(
      context,
      'copilot_proxy.bridge.translate',
      { 'copilot_proxy.bridge.direction': direction.name },
      () =>
        this.translated(
          context,
          request,
          body,
          direction,
          id,
          model.maxOutputTokens,
        ),
    );
    // Nothing reads the parsed body past translation: its strings (a 25 MiB
    // data URL is one) need not live as long as the request.
    inspection.body = undefined;
    return plan;
  }

  /** The client's bytes with only the `model` value changed. */
  private renamed(
    context: RequestContext,
    request: UpstreamRequest,
    from: string,
    id: string,
  ): UpstreamRequest {
    const bytes = withModel(request.body as Buffer, id);
    if (!bytes) return request;
    context.modelRequested = from;
    const headers = { ...request.headers };
    setHeader(headers, 'Content-Length', String(bytes.length));
    return { ...request, headers, body: bytes };
  }

  private translated(
    context: RequestContext,
    request: UpstreamRequest,
    body: Json,
    direction: Direction,
    id: string,
    maxOutputTokens: number | undefined,
  ): BridgePlan {
    const held = this.holdForTranslation(context, request.body as Buffer, id);
    const notes: BridgeNotes = { ignored: [] };
    let bytes: Buffer;
    let written: unknown;
    let tools;
    let includeUsage = false;
    try {
      const read = direction.readRequest(body, notes);
      read.model = id;
      if (read.maxOutputTokens === undefined && direction.upstream === 'chat')
        read.maxOutputTokens = maxOutputTokens;
      tools = read.tools;
      includeUsage = read.includeUsage === true;
      written = direction.writeRequest(read, notes);
      bytes = Buffer.from(JSON.stringify(written), 'utf8');
    } catch (error) {
      held.release(held.bytes * 2);
      if (error instanceof RangeError) {
        // A body nested past the stack (a schema 100,000 levels deep).
        throw new ProxyError('untranslatable', {
          message: `The request is nested too deeply to translate for ${id}`,
          detail: `bridge ${direction.name}: ${error.message}`,
        });
      }
      if (!(error instanceof UntranslatableError)) throw error;
      throw new ProxyError('untranslatable', {
        message: `${error.message} (${id} is served on ${this.apisOf(direction.upstream)}; this request cannot be carried there)`,
        detail: `bridge ${direction.name}: ${error.field}`,
      });
    }
    // The translation's text is gone; its bytes are held until the request ends.
    held.release(held.bytes);
    context.onEnd(() => held.release(held.bytes));
    if (body.model !== id) context.modelRequested = body.model as string;
    const headers = { ...request.headers };
    setHeader(headers, 'Content-Length', String(bytes.length));
    setHeader(headers, 'Content-Type', 'application/json');
    if (direction.upstream !== 'messages') {
      // Anthropic's protocol headers mean nothing to the OpenAI-shaped APIs.
      deleteHeader(headers, 'anthropic-version');
      deleteHeader(headers, 'anthropic-beta');
    }
    context.bridge = direction.name;
    const ignored = describeIgnored(notes);
    context.bridgeIgnored = ignored.length > 0 ? ignored : undefined;
    this.metrics.bridged.inc({ direction: direction.name });
    const extra: Record<string, string> = {
      'X-Copilot-Bridge': direction.name,
    };
    if (ignored.length > 0) extra['X-Bridge-Ignored'] = ignored.join(', ');
    return {
      body: written,
      request: {
        ...request,
        path: API_PATHS[direction.upstream],
        headers,
        body: bytes,
      },
      translation: new AnswerTranslation(
        direction,
        {
          model: id,
          ids: randomIds,
          includeUsage,
          toolName: (called) => splitToolName(called, tools),
        },
        extra,
        this.answers,
      ),
    };
  }

  /**
   * A large translated request is held in memory twice while it is written
   * (its JSON text, then its bytes) and once until it ends (the bytes sent,
   * kept for a retry): within the answer budget, so that concurrent huge
   * images cannot take the process past its memory limit. Past it the client
   * is told to try again shortly (503).
   */
  private holdForTranslation(
    context: RequestContext,
    body: Buffer,
    id: string,
  ): { bytes: number; release(bytes: number): void } {
    const bytes = body.length >= HELD_FROM_BYTES ? body.length : 0;
    if (bytes > 0 && !this.answers.tryReserve(bytes * 2)) {
      throw new ProxyError('translation_busy', {
        headers: { 'retry-after': '1' },
        detail: `bridge to ${id}: ${bytes} bytes to translate past the answer budget`,
      });
    }
    return {
      bytes,
      release: (n) => {
        if (n > 0) this.answers.release(n);
      },
    };
  }

  private apisOf(api: Api): string {
    return API_PATHS[api];
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
