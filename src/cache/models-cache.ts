import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CopilotClient } from '../copilot/copilot-client';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import { ModelCatalog } from '../models/model-catalog.service';
import type { RequestContext } from '../request-context/request-context';
import { cacheDirectives } from './cache-control';
import {
  CacheResult,
  CachedAnswer,
  writeCachedAnswer,
} from '../http/cached-answer';

const MODELS_LIST = /^\/models(?:\?|$)/;

/** Failures after which a stale list is better than the error. */
const STALE_OK = new Set([
  'upstream_timeout',
  'upstream_unreachable',
  'upstream_bad_response',
]);

/**
 * `GET /models` (and `/v1/models`) from the account's `ModelCatalog` entry:
 * `HIT` while it is younger than `MODELS_CACHE_TTL_MS`; otherwise one fetch for
 * all waiting requests (`MISS`); when that fetch fails (5xx, 429, timeout,
 * unreachable) an entry up to twice the TTL old is served instead (`STALE`).
 * `Cache-Control: no-cache` fetches fresh. Entries are per Copilot account.
 */
@Injectable()
export class ModelsCache {
  constructor(
    private readonly catalog: ModelCatalog,
    private readonly client: CopilotClient,
    private readonly metrics: MetricsService,
  ) {}

  /** Answers a models-list request; false for any other request. */
  async serve(
    context: RequestContext,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<boolean> {
    if (
      context.method !== 'GET' ||
      !MODELS_LIST.test(context.target.upstreamPath ?? '')
    )
      return false;
    const account = await this.client.account(context.seatTokens);
    const held = this.catalog.entry(account);
    const now = Date.now();
    if (
      held &&
      !cacheDirectives(req).noCache &&
      now - held.storedAt < this.catalog.ttlMs
    ) {
      this.answer(context, res, held, 'hit');
      return true;
    }
    const staleOk =
      held !== undefined && now - held.storedAt < 2 * this.catalog.ttlMs;
    let fetched;
    try {
      fetched = await this.catalog.refresh(context.seatTokens);
    } catch (error) {
      if (staleOk && error instanceof ProxyError && STALE_OK.has(error.code)) {
        context.detail = error.detail;
        this.answer(context, res, held, 'stale');
        return true;
      }
      throw error;
    }
    const { answer, entry } = fetched;
    if (!entry && staleOk && (answer.status >= 500 || answer.status === 429)) {
      this.answer(context, res, held, 'stale');
      return true;
    }
    this.answer(context, res, entry ?? answer, 'miss');
    return true;
  }

  private answer(
    context: RequestContext,
    res: ServerResponse,
    answer: CachedAnswer,
    result: CacheResult,
  ): void {
    context.cache = result;
    context.upstreamStatus = answer.status;
    this.metrics.cache.inc({ cache: 'models', result });
    writeCachedAnswer(
      res,
      answer,
      result.toUpperCase() as Uppercase<CacheResult>,
    );
  }
}
