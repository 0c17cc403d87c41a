import { Injectable, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { ClientKey } from '../auth/client-keys';
import { ProxyError } from '../errors/proxy-error';
import { MetricsService } from '../metrics/metrics.service';
import { ModelCatalog } from '../models/model-catalog.service';
import type { RequestContext } from '../request-context/request-context';
import { Clock } from './clock';
import type { PipeOutcome } from '../http/stream-pipe';
import type { Usage } from './usage';
import { Period, PERIODS, periodWindow, PeriodWindow } from './usage-period';
import {
  addCounters,
  Counters,
  UsageByModel,
  UsageStore,
  zeroCounters,
} from './usage-store';

/** The name usage is counted under when keys are off. */
export const ANONYMOUS = 'anonymous';

export interface Budget {
  kind: 'tokens' | 'premiumRequests';
  limit: number;
  used: number;
  remaining: number;
}

/** A key's use of one period: totals, per model, and its budgets when it has some. */
export interface PeriodReport {
  period: Period;
  start: string;
  resetsAt: string;
  totals: Counters;
  models: UsageByModel;
  budgets?: Budget[];
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Counts what each key spends and holds keys to their quotas (SPEC §9). Usage is
 * added when an answer ends, so a burst can pass a budget by the requests already
 * in flight. The store failing never fails a request: the quota is then not
 * enforced (as the rate limits fail open), logged and counted.
 */
@Injectable()
export class UsageService {
  private readonly logger = new Logger('Usage');
  private lastWarning = 0;

  constructor(
    private readonly store: UsageStore,
    private readonly keys: ClientKeyRegistry,
    private readonly catalog: ModelCatalog,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  /**
   * The quota stage: refuses a key past a budget with 429 `quota_exceeded` and
   * `Retry-After` at the period's reset, before anything goes upstream; otherwise
   * puts the tightest budget in `X-Quota-*` headers.
   */
  async checkQuota(
    context: RequestContext,
    res: ServerResponse,
  ): Promise<void> {
    const key = this.keyOf(context);
    if (!key?.quota) return;
    const window = periodWindow(key.quota.period, this.clock.now());
    let budgets: Budget[];
    try {
      budgets = budgetsOf(
        key,
        totalsOf(await this.store.read(key.name, window)),
      );
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    const tightest = budgets.reduce((a, b) =>
      b.remaining / (b.limit || 1) < a.remaining / (a.limit || 1) ? b : a,
    );
    const resetSeconds = Math.max(
      1,
      Math.ceil((window.resetsAt - this.clock.now()) / 1000),
    );
    const headers = {
      'X-Quota-Limit': String(tightest.limit),
      'X-Quota-Remaining': String(round(tightest.remaining)),
      'X-Quota-Reset': String(resetSeconds),
    };
    const spent = budgets.find((b) => b.remaining <= 0);
    if (spent) {
      this.metrics.quotaRejections.inc({ key: key.name });
      throw new ProxyError('quota_exceeded', {
        message: `Quota exceeded: ${spent.kind === 'tokens' ? 'tokens' : 'premium requests'} for this ${key.quota.period} are used up (${round(spent.used)} of ${spent.limit}); it resets in ${resetSeconds} s`,
        headers: { ...headers, 'retry-after': String(resetSeconds) },
      });
    }
    for (const [name, value] of Object.entries(headers))
      res.setHeader(name, value);
  }

  /** Whether this answer's usage is read (a model endpoint). */
  meters(context: RequestContext): boolean {
    return context.endpoint !== undefined;
  }

  /** Counts a finished (or cut) answer: its request, premium use and tokens. */
  async record(
    context: RequestContext,
    status: number,
    reported: Usage,
    outcome: PipeOutcome = 'complete',
  ): Promise<void> {
    if (status < 200 || status >= 300) return;
    const usage = cutShort(context, reported, outcome);
    const key = context.keyName ?? ANONYMOUS;
    const model = modelName(context.model ?? usage.model);
    const premium =
      context.endpoint !== undefined &&
      context.endpoint !== 'embeddings' &&
      context.initiatorHeader !== 'agent'
        ? this.catalog.multiplier(context.account, model)
        : 0;
    const delta: Counters = {
      requests: 1,
      premiumRequests: premium,
      promptTokens: usage.promptTokens,
      cachedTokens: usage.cachedTokens,
      completionTokens: usage.completionTokens,
      nanoAiu: usage.nanoAiu,
      cacheHits: 0,
    };
    context.tokens = usage.promptTokens + usage.completionTokens;
    const label = this.catalog.knows(context.account, model) ? model : 'other';
    this.metrics.countUsage(key, label, delta);
    const now = this.clock.now();
    try {
      await this.store.add(
        key,
        model,
        delta,
        PERIODS.map((p) => periodWindow(p, now)),
      );
    } catch (error) {
      this.storageFailed(error);
    }
  }

  /** An answer from the response cache: counted apart, at no cost to the quota. */
  async recordCacheHit(context: RequestContext): Promise<void> {
    const model = modelName(context.model);
    const now = this.clock.now();
    try {
      await this.store.add(
        context.keyName ?? ANONYMOUS,
        model,
        { ...zeroCounters(), cacheHits: 1 },
        PERIODS.map((p) => periodWindow(p, now)),
      );
    } catch (error) {
      this.storageFailed(error);
    }
  }

  /** A key's usage in the current day and month. */
  async report(name: string): Promise<PeriodReport[]> {
    const key = this.keys.named(name);
    const now = this.clock.now();
    return Promise.all(
      PERIODS.map(async (period) => {
        const window = periodWindow(period, now);
        const models = await this.store.read(name, window);
        const totals = totalsOf(models);
        return {
          period,
          start: new Date(window.start).toISOString(),
          resetsAt: new Date(window.resetsAt).toISOString(),
          totals,
          models,
          ...(key?.quota?.period === period && {
            budgets: budgetsOf(key, totals),
          }),
        };
      }),
    );
  }

  private keyOf(context: RequestContext): ClientKey | undefined {
    return context.keyName === undefined
      ? undefined
      : this.keys.named(context.keyName);
  }

  private storageFailed(error: unknown): void {
    this.metrics.usageStorageFailures.inc();
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn(
      `usage storage did not answer (${(error as Error).message}): quotas not enforced meanwhile`,
    );
  }
}

/**
 * A stream cut before its usage arrived (a client that hangs up at the last
 * content chunk) still costs its prompt: estimated at 4 bytes a token from the
 * request body, so hanging up early is no way around a token budget.
 */
function cutShort(
  context: RequestContext,
  usage: Usage,
  outcome: PipeOutcome,
): Usage {
  if (
    outcome === 'complete' ||
    usage.promptTokens + usage.completionTokens > 0 ||
    !context.requestBytes
  )
    return usage;
  context.usageEstimated = true;
  return { ...usage, promptTokens: Math.ceil(context.requestBytes / 4) };
}

/** Model names reach counters and labels: printable and short, or `unknown`. */
function modelName(named: string | undefined): string {
  return named !== undefined && /^[\w.:/-]{1,100}$/.test(named)
    ? named
    : 'unknown';
}

function totalsOf(models: UsageByModel): Counters {
  const totals = zeroCounters();
  for (const counters of Object.values(models)) addCounters(totals, counters);
  return totals;
}

function budgetsOf(key: ClientKey, totals: Counters): Budget[] {
  const budgets: Budget[] = [];
  const quota = key.quota!;
  if (quota.tokens !== undefined) {
    const used = totals.promptTokens + totals.completionTokens;
    budgets.push({
      kind: 'tokens',
      limit: quota.tokens,
      used,
      remaining: Math.max(0, quota.tokens - used),
    });
  }
  if (quota.premiumRequests !== undefined) {
    budgets.push({
      kind: 'premiumRequests',
      limit: quota.premiumRequests,
      used: round(totals.premiumRequests),
      remaining: Math.max(
        0,
        round(quota.premiumRequests - totals.premiumRequests),
      ),
    });
  }
  return budgets;
}

export type { PeriodWindow };
