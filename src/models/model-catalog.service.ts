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
import { ProxyError } from '../errors/proxy-error';
import { upstreamRequestHeaders } from '../http/header-policy';

/** `/models` answers larger than this are not kept. */
const MAX_MODELS_BYTES = 4 * 1024 * 1024;
/** The background refresh runs at this fraction of the TTL, before it goes stale. */
const REFRESH_AT = 0.8;

/** One account's `/models` answer, as fetched, and what the usage needs of it. */
export interface ModelsEntry extends CachedAnswer {
  account: string;
  /** `billing.multiplier` per model id. */
  multipliers: ReadonlyMap<string, number>;
}

/** A `/models` fetch: the answer as it came, and the entry when it was kept. */
export interface ModelsFetch {
  answer: CachedAnswer;
  entry?: ModelsEntry;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The models of a `/models` answer with their premium multipliers. */
export function parseModels(body: Buffer): Map<string, number> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(doc) || !Array.isArray(doc.data)) return undefined;
  const multipliers = new Map<string, number>();
  for (const model of doc.data) {
    if (!isObject(model) || typeof model.id !== 'string') continue;
    const billing = isObject(model.billing) ? model.billing : {};
    const multiplier =
      typeof billing.multiplier === 'number' ? billing.multiplier : 1;
    multipliers.set(model.id, multiplier);
  }
  return multipliers;
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
  private firstLoad: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly ttlMs: number;
  /** A whole `/models` fetch, body included, ends within this. */
  private readonly timeoutMs: number;

  constructor(
    private readonly client: CopilotClient,
    config: ConfigService<Settings, true>,
  ) {
    this.ttlMs = config.get('cache', { infer: true }).modelsTtlMs;
    this.timeoutMs = config.get('copilot', { infer: true }).upstreamTimeoutMs;
  }

  onApplicationBootstrap(): void {
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
    return this.entry(account)?.multipliers.get(model) ?? 1;
  }

  /** Whether the account lists the model (bounds metric labels). */
  knows(account: string | undefined, model: string): boolean {
    return this.entry(account)?.multipliers.has(model) ?? false;
  }

  /** Fetches `/models` now, single flight; throws a `ProxyError` when it fails. */
  refresh(): Promise<ModelsFetch> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetch(): Promise<ModelsFetch> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const upstream = await this.client
      .send({
        method: 'GET',
        path: '/models',
        headers: upstreamRequestHeaders([], randomUUID()),
        signal,
      })
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
    const multipliers = upstream.status === 200 ? parseModels(body) : undefined;
    if (!multipliers) {
      this.logger.warn(`/models answered ${upstream.status}: not kept`);
      return { answer };
    }
    const entry: ModelsEntry = {
      ...answer,
      account: upstream.account,
      multipliers,
    };
    const first = !this.entries.has(entry.account);
    this.entries.set(entry.account, entry);
    this.latest = entry;
    if (first)
      this.logger.log(`${multipliers.size} models on this Copilot account`);
    this.schedule();
    return { answer, entry };
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.refresh().catch(() => undefined),
      this.ttlMs * REFRESH_AT,
    );
    this.timer.unref();
  }
}
