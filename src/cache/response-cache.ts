import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { CacheConfig } from '../config/cache.config';
import type { Settings } from '../config/settings';
import { CopilotClient, UpstreamRequest } from '../copilot/copilot-client';
import { BodyBuffers } from '../inspection/body-buffers';
import { MetricsService } from '../metrics/metrics.service';
import { AnswerBudget } from '../http/answer-budget';
import type { BodyTap } from '../http/body-tap';
import type { RequestContext } from '../request-context/request-context';
import { cacheDirectives } from './cache-control';
import { CachedAnswer, writeCachedAnswer } from '../http/cached-answer';
import { CacheStore } from './cache-store';

/** Request headers that change the answer, and so the key (compared exactly). */
const KEYED_HEADERS = [
  'accept',
  'anthropic-beta',
  'anthropic-version',
  'content-type',
  'copilot-vision-request',
  'openai-intent',
  'x-github-api-version',
  'x-initiator',
  'x-interaction-type',
];

/** The status line and headers an answer is kept with. */
export type CachedHead = Pick<
  CachedAnswer,
  'status' | 'statusMessage' | 'rawHeaders'
>;

/** What the lookup decided: answered from the cache, or the request to send on and where to store its answer. */
export type CacheLookup =
  | { served: true }
  | { served: false; request: UpstreamRequest; storeKey?: string };

/** A stream that carries an error event is no answer to keep. */
const ERROR_EVENT =
  /(^|\n)event: ?(error|response\.failed)\b|(^|\n)data: ?\{"(error|type":"error)"/;

/**
 * The opt-in response cache for the model endpoints (`RESPONSE_CACHE`). The key is
 * a SHA-256 over the client key's namespace (unless shared), the Copilot account,
 * the upstream path, the headers that change the answer and the exact body bytes.
 * Only complete 2xx answers up to `RESPONSE_CACHE_MAX_ENTRY_BYTES` are stored; a
 * hit is replayed as stored — an event stream included — never reaches the
 * upstream and costs no quota. A store that fails is a miss, never an error.
 */
@Injectable()
export class ResponseCache {
  private readonly config: CacheConfig;

  constructor(
    private readonly store: CacheStore,
    private readonly client: CopilotClient,
    private readonly metrics: MetricsService,
    private readonly keys: ClientKeyRegistry,
    private readonly buffers: BodyBuffers,
    private readonly answers: AnswerBudget,
    config: ConfigService<Settings, true>,
  ) {
    this.config = config.get('cache', { infer: true });
  }

  /** Answers from the cache (returns undefined), or says how to go on. */
  async lookup(
    context: RequestContext,
    req: IncomingMessage,
    res: ServerResponse,
    request: UpstreamRequest,
  ): Promise<CacheLookup> {
    if (this.config.responseMode === 'off' || context.endpoint === undefined)
      return { served: false, request };
    const directives = cacheDirectives(req);
    const optedIn = directives.maxAgeSeconds !== undefined;
    if (
      directives.noStore ||
      (this.config.responseMode === 'opt-in' && !optedIn)
    )
      return this.bypass(context, request);
    let body = request.body;
    if (body instanceof Readable) {
      const read = await this.buffers.read(
        context,
        body,
        this.config.responseMaxEntryBytes,
      );
      body = 'bytes' in read ? read.bytes : read.stream;
    }
    if (!Buffer.isBuffer(body))
      return this.bypass(context, { ...request, body });
    const keyed = { ...request, body };
    const key = this.key(
      context,
      keyed,
      await this.client.account(context.seatTokens),
    );
    if (!directives.noCache) {
      const maxAgeMs = Math.min(
        (directives.maxAgeSeconds ?? Infinity) * 1000,
        this.config.responseTtlMs,
      );
      const hit = await this.store.get(key).catch(() => undefined);
      if (hit && Date.now() - hit.storedAt <= maxAgeMs) {
        context.cache = 'hit';
        context.upstreamStatus = hit.status;
        this.metrics.cache.inc({ cache: 'response', result: 'hit' });
        writeCachedAnswer(res, hit, 'HIT');
        return { served: true };
      }
    }
    context.cache = 'miss';
    this.metrics.cache.inc({ cache: 'response', result: 'miss' });
    res.setHeader('X-Cache', 'MISS');
    return { served: false, request: keyed, storeKey: key };
  }

  /**
   * A tap that keeps a complete 200 answer — within the entry limit and the
   * shared budget of answers held whole — and stores it at its end; a stream
   * that carried an error event is not kept. `head` tells, at the end, what the
   * client got: the upstream's status and headers, or a translated answer's.
   */
  storeTap(
    storeKey: string,
    head: () => CachedHead,
    streaming: boolean,
  ): BodyTap {
    const chunks: Buffer[] = [];
    let size = 0;
    let dropped = false;
    const storedAt = Date.now();
    const letGo = () => {
      this.answers.release(size);
      chunks.length = 0;
      size = 0;
    };
    return {
      chunk: (chunk) => {
        if (dropped) return;
        if (
          size + chunk.length > this.config.responseMaxEntryBytes ||
          !this.answers.tryReserve(chunk.length)
        ) {
          dropped = true;
          letGo();
          return;
        }
        size += chunk.length;
        chunks.push(chunk);
      },
      end: (outcome) => {
        if (dropped) return;
        const body = Buffer.concat(chunks, size);
        letGo();
        const { status, statusMessage } = head();
        const rawHeaders = withoutAccountHeaders(head().rawHeaders);
        if (outcome !== 'complete' || status !== 200) return;
        if (streaming && ERROR_EVENT.test(body.toString('utf8'))) return;
        const answer = { status, statusMessage, rawHeaders, body, storedAt };
        this.store
          .set(storeKey, answer, this.config.responseTtlMs)
          .then((stored) => {
            if (stored)
              this.metrics.cache.inc({ cache: 'response', result: 'store' });
          })
          .catch(() => undefined);
      },
    };
  }

  private bypass(
    context: RequestContext,
    request: UpstreamRequest,
  ): CacheLookup {
    context.cache = 'bypass';
    this.metrics.cache.inc({ cache: 'response', result: 'bypass' });
    return { served: false, request };
  }

  private key(
    context: RequestContext,
    request: UpstreamRequest,
    account: string,
  ): string {
    const hash = createHash('sha256');
    // By the key's digest, not its name: a rotated key reusing a name sees nothing.
    const namespace = this.config.responseShared
      ? '*'
      : context.keyName === undefined
        ? ''
        : (this.keys.named(context.keyName)?.digest.toString('hex') ??
          `name:${context.keyName}`);
    hash.update(`${namespace}\n${account}\n${request.path}\n`);
    for (const name of KEYED_HEADERS) {
      hash.update(
        `${name}:${JSON.stringify(exactValues(request.headers, name))}\n`,
      );
    }
    hash.update(request.body as Buffer);
    return hash.digest('hex');
  }
}

/** Every value of a header, exactly as sent (case and repetition kept). */
function exactValues(
  headers: UpstreamRequest['headers'],
  lower: string,
): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== lower || value === undefined) continue;
    if (Array.isArray(value)) values.push(...value);
    else values.push(String(value));
  }
  return values;
}

/**
 * The account's quota snapshot is for keys that may read the account: a kept
 * answer, replayed to any key, carries none of it.
 */
function withoutAccountHeaders(rawHeaders: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase().startsWith('x-quota-snapshot-')) continue;
    kept.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return kept;
}
