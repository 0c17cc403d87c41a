import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CachedAnswer } from '../http/cached-answer';
import type { Settings } from '../config/settings';
import { CopilotClient } from '../copilot/copilot-client';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import type { CopilotTokenProvider } from '../copilot/token/copilot-token.provider';
import { ProxyError } from '../errors/proxy-error';
import { upstreamRequestHeaders } from '../http/header-policy';
import { TracingService } from '../tracing/tracing.service';

/** `/models` answers larger than this are not kept. */
const MAX_MODELS_BYTES = 4 * 1024 * 1024;
/** The background refresh runs at this fraction of the TTL, before it goes stale. */
const REFRESH_AT = 0.8;
/** Retries of a failed fetch: the first after 1 s, doubling up to 60 s. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/** What the proxy needs to know of one model. */
export interface ModelInfo {
  id: string;
  /** `billing.multiplier` (a finite number ≥ 0; 1 when absent). */
  multiplier: number;
  /**
   * `supported_endpoints` as listed (`/chat/completions`, `/responses`,
   * `/v1/messages`); absent means chat only.
   */
  endpoints: readonly string[] | undefined;
  /** `capabilities.limits.max_output_tokens`, when listed. */
  maxOutputTokens?: number;
}

/** One account's `/models` answer, as fetched, and what the proxy needs of it. */
export interface ModelsEntry extends CachedAnswer {
  account: string;
  /** The account's models by id. */
  models: ReadonlyMap<string, ModelInfo>;
}

/** A `/models` fetch: the answer as it came, and the entry when it was kept. */
export interface ModelsFetch {
  answer: CachedAnswer;
  entry?: ModelsEntry;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The models of a `/models` answer: multipliers and APIs. */
export function parseModels(body: Buffer): Map<string, ModelInfo> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(doc) || !Array.isArray(doc.data)) return undefined;
  const models = new Map<string, ModelInfo>();
  for (const model of doc.data) {
    if (!isObject(model) || typeof model.id !== 'string') continue;
    const billing = isObject(model.billing) ? model.billing : {};
    // A multiplier from upstream is a count: finite and never negative.
    const multiplier =
      typeof billing.multiplier === 'number' &&
      Number.isFinite(billing.multiplier) &&
      billing.multiplier >= 0
        ? billing.multiplier
        : 1;
    const endpoints = Array.isArray(model.supported_endpoints)
      ? model.supported_endpoints.filter(
          (e): e is string => typeof e === 'string',
        )
      : undefined;
    const limits =
      isObject(model.capabilities) && isObject(model.capabilities.limits)
        ? model.capabilities.limits
        : {};
    const maxOutput = limits.max_output_tokens;
    models.set(model.id, {
      id: model.id,
      multiplier,
      endpoints,
      ...(typeof maxOutput === 'number' &&
        Number.isSafeInteger(maxOutput) &&
        maxOutput > 0 && { maxOutputTokens: maxOutput }),
    });
  }
  return models;
}

/** Reads an upstream body to its end, up to `limit` bytes (undefined past it). */
export async function readAll(
  body: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The Copilot account's `/models`, per account: served to clients from here
 * (`ModelsCache`) and read for premium multipliers (usage metering). Fetched at
 * start, refreshed in the background before it goes stale (at 80 % of
 * `MODELS_CACHE_TTL_MS`), one fetch in flight however many callers wait. Only a
 * 200 JSON answer is kept.
 */
@Injectable()
export class ModelCatalog
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Models');
  private readonly entries = new Map<string, ModelsEntry>();
  private latest: ModelsEntry | undefined;
  private inFlight: Promise<ModelsFetch> | undefined;
  /** Seats' fetches in flight (SPEC §14): one per seat, fetched on demand. */
  private readonly seatFetches = new Map<
    CopilotTokenProvider,
    Promise<ModelsFetch>
  >();
  private firstLoad: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Fetches failed in a row (the backoff's exponent). */
  private failures = 0;
  readonly ttlMs: number;
  /** A whole `/models` fetch, body included, ends within this. */
  private readonly timeoutMs: number;

  constructor(
    private readonly client: CopilotClient,
    private readonly fingerprint: CopilotFingerprint,
    config: ConfigService<Settings, true>,
    private readonly tracing: TracingService,
  ) {
    this.ttlMs = config.get('cache', { infer: true }).modelsTtlMs;
    this.timeoutMs = config.get('copilot', { infer: true }).upstreamTimeoutMs;
  }

  onApplicationBootstrap(): void {
    if (!this.client.hasSharedLogin) return;
    this.firstLoad = this.refresh().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Settles once the start-up fetch has (tests wait on it). */
  async ready(): Promise<void> {
    await this.firstLoad;
  }

  /** The account's entry, if one was fetched (the latest one without an account). */
  entry(account?: string): ModelsEntry | undefined {
    return account === undefined ? this.latest : this.entries.get(account);
  }

  /** A model's premium multiplier for the account: 1 when unknown. */
  multiplier(account: string | undefined, model: string): number {
    return this.entry(account)?.models.get(model)?.multiplier ?? 1;
  }

  /** Whether the account lists the model (bounds metric labels). */
  knows(account: string | undefined, model: string): boolean {
    return this.entry(account)?.models.has(model) ?? false;
  }

  /** The highest multiplier on the account (what an unknown model is held to). */
  maxMultiplier(account: string | undefined): number {
    let max = 1;
    for (const model of this.entry(account)?.models.values() ?? [])
      max = Math.max(max, model.multiplier);
    return max;
  }

  /** The account's model, if it lists it. */
  model(account: string | undefined, id: string): ModelInfo | undefined {
    return this.entry(account)?.models.get(id);
  }

  /**
   * Fetches `/models` now, single flight; throws a `ProxyError` when it fails.
   * With a seat's `tokens`, that seat's list: kept per account like the proxy's,
   * fetched when asked for, never in the background.
   */
  refresh(tokens?: CopilotTokenProvider): Promise<ModelsFetch> {
    if (tokens) {
      let fetch = this.seatFetches.get(tokens);
      if (!fetch) {
        fetch = this.tracing
          .run('copilot.models_fetch', () => this.fetch(tokens))
          .finally(() => this.seatFetches.delete(tokens));
        this.seatFetches.set(tokens, fetch);
      }
      return fetch;
    }
    this.inFlight ??= this.tracing
      .run('copilot.models_fetch', () => this.fetch())
      .catch((error: unknown) => {
        this.retryLater();
        throw error;
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(seat?: CopilotTokenProvider): Promise<ModelsFetch> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const upstream = await this.client
      .send(
        {
          method: 'GET',
          path: '/models',
          headers: upstreamRequestHeaders(
            [],
            randomUUID(),
            this.fingerprint.policy,
            '/models',
          ),
          signal,
        },
        seat,
      )
      .catch((error: unknown) => {
        throw signal.aborted
          ? new ProxyError('upstream_timeout', {
              detail: `/models not answered within ${this.timeoutMs} ms`,
            })
          : error;
      });
    let body: Buffer;
    try {
      body =
        (await readAll(upstream.body, MAX_MODELS_BYTES)) ?? Buffer.alloc(0);
    } catch {
      upstream.body.destroy();
      throw new ProxyError('upstream_timeout', {
        detail: `/models body not complete within ${this.timeoutMs} ms`,
      });
    }
    const answer: CachedAnswer = {
      status: upstream.status,
      statusMessage: upstream.statusMessage,
      rawHeaders: upstream.rawHeaders,
      body,
      storedAt: Date.now(),
    };
    const models = upstream.status === 200 ? parseModels(body) : undefined;
    if (!models) {
      this.logger.warn(`/models answered ${upstream.status}: not kept`);
      if (!seat) this.retryLater();
      return { answer };
    }
    const entry: ModelsEntry = {
      ...answer,
      account: upstream.account,
      models,
    };
    const first = !this.entries.has(entry.account);
    this.entries.set(entry.account, entry);
    if (seat) return { answer, entry };
    this.latest = entry;
    if (first) this.logger.log(`${models.size} models on this Copilot account`);
    this.failures = 0;
    this.schedule(this.ttlMs * REFRESH_AT);
    return { answer, entry };
  }

  /**
   * After a failed fetch — at start or on refresh — the list is asked for again
   * with backoff (1 s doubling to 60 s): until it is in, multipliers are unknown
   * and every model counts ×1.
   */
  private retryLater(): void {
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.failures);
    this.failures++;
    this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.refresh().catch(() => undefined),
      delayMs,
    );
    this.timer.unref();
  }
}
