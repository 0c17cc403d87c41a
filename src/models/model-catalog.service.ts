import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CopilotAnswer, CopilotClient } from '../copilot/copilot-client';
import { upstreamRequestHeaders } from '../proxy/header-policy';

/** `/models` answers larger than this are not kept. */
const MAX_MODELS_BYTES = 4 * 1024 * 1024;

/** One account's `/models` answer, as fetched. */
export interface ModelsEntry {
  account: string;
  status: number;
  rawHeaders: string[];
  body: Buffer;
  fetchedAt: number;
  /** `billing.multiplier` per model id. */
  multipliers: ReadonlyMap<string, number>;
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
 * What the Copilot account's `/models` says, per account: which models exist and
 * each one's premium multiplier (usage metering), fetched once at start and kept
 * up to date. One fetch in flight per account, however many callers wait.
 */
@Injectable()
export class ModelCatalog implements OnApplicationBootstrap {
  private readonly logger = new Logger('Models');
  private readonly entries = new Map<string, ModelsEntry>();
  private latest: ModelsEntry | undefined;
  private inFlight: Promise<ModelsEntry | undefined> | undefined;
  private firstLoad: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: CopilotClient) {}

  onApplicationBootstrap(): void {
    this.firstLoad = this.refresh().catch(() => undefined);
  }

  /** Settles once the start-up fetch has (tests wait on it). */
  async ready(): Promise<void> {
    await this.firstLoad;
  }

  /** The account's entry, if one was fetched. */
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

  /** Fetches `/models` now (single flight); undefined when no 200 JSON came. */
  refresh(): Promise<ModelsEntry | undefined> {
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Keeps a 200 JSON `/models` answer as the account's entry. */
  store(answer: CopilotAnswer, body: Buffer): ModelsEntry | undefined {
    if (answer.status !== 200) return undefined;
    const multipliers = parseModels(body);
    if (!multipliers) return undefined;
    const entry: ModelsEntry = {
      account: answer.account,
      status: answer.status,
      rawHeaders: answer.rawHeaders,
      body,
      fetchedAt: Date.now(),
      multipliers,
    };
    this.entries.set(entry.account, entry);
    this.latest = entry;
    return entry;
  }

  private async fetch(): Promise<ModelsEntry | undefined> {
    const answer = await this.client.send({
      method: 'GET',
      path: '/models',
      headers: upstreamRequestHeaders([], randomUUID()),
      signal: new AbortController().signal,
    });
    const body = await readAll(answer.body, MAX_MODELS_BYTES);
    const entry = body && this.store(answer, body);
    if (entry) {
      this.logger.log(
        `${entry.multipliers.size} models on this Copilot account`,
      );
    } else {
      this.logger.warn(`/models answered ${answer.status}: no model list`);
    }
    return entry;
  }
}
