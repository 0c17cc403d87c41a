import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { ClientKey } from '../auth/client-keys';
import { ProxyError } from '../errors/proxy-error';
import type { PipeOutcome } from '../http/stream-pipe';
import { MetricsService } from '../metrics/metrics.service';
import { ModelCatalog } from '../models/model-catalog.service';
import type {
  AnswerUsage,
  RequestContext,
} from '../request-context/request-context';
import { Clock } from './clock';
import {
  Budget,
  BUDGET_WORDS,
  budgetsOf,
  KIND_OF_AMOUNT,
  limitsOf,
  NANO_PER_AIU,
  tightest,
} from './quota';
import type { Usage } from './usage';
import { Period, PERIODS, periodWindow } from './usage-period';
import {
  addCounters,
  Amounts,
  AMOUNT_NAMES,
  amountsOf,
  Counters,
  Reservation,
  UsageByModel,
  UsageStore,
  zeroAmounts,
  zeroCounters,
} from './usage-store';

/** The name usage is counted under when keys are off. */
export const ANONYMOUS = 'anonymous';

/** A key's use of one period: totals, per model, and its budgets when it has some. */
export interface PeriodReport {
  period: Period;
  start: string;
  resetsAt: string;
  totals: Counters;
  /** AI credits (AIU) of the period, from `totals.nanoAiu`. */
  credits: number;
  models: UsageByModel;
  budgets?: Budget[];
}

/** One day of a key's history. */
export interface DayReport {
  date: string;
  totals: Counters;
  models: UsageByModel;
}

/** How an answer ended, as the metering sees it. */
export interface Answer {
  status: number;
  usage: Usage;
  /** Bytes of generated text that passed (the estimate of an unreported completion). */
  contentBytes: number;
  outcome: PipeOutcome;
}

/** Weight of the newest answer in a model's running credits-per-request estimate. */
const CREDIT_RATE_WEIGHT = 0.2;

/**
 * Counts what each key spends and holds keys to their quotas (SPEC §9). A model
 * call is admitted against its key's budget with its cost reserved — premium
 * requests exactly, tokens from the prompt's size, credits from the model's
 * recent calls — so parallel requests cannot all pass one remaining budget; the
 * reservation is settled with what the answer reported when it ends. A request
 * that went upstream is charged even when its client left before the answer:
 * the request, its premium use and its prompt (estimated). A store failing
 * never fails a request.
 */
@Injectable()
export class UsageService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Usage');
  private lastWarning = 0;
  private readonly pending = new Set<Promise<unknown>>();
  /** The reservation each admitted request holds until its answer is counted. */
  private readonly reservations = new WeakMap<RequestContext, Reservation>();
  /** nano-AIU per request, by model (this replica's recent answers). */
  private readonly creditRates = new Map<string, number>();

  constructor(
    private readonly store: UsageStore,
    private readonly keys: ClientKeyRegistry,
    private readonly catalog: ModelCatalog,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  /**
   * A request that is not a model call, from a key with a quota: refused once a
   * token or credit budget is used up (a spent premium budget still lets free
   * calls and `/models` through).
   */
  async precheck(context: RequestContext, res: ServerResponse): Promise<void> {
    const key = this.keyOf(context);
    if (key?.quota)
      await this.gate(context, res, key, zeroAmounts(), undefined);
  }

  /** A model call: admitted with its cost reserved, or refused with 429. */
  async admit(context: RequestContext, res: ServerResponse): Promise<void> {
    const key = this.keyOf(context);
    if (key?.quota)
      await this.gate(
        context,
        res,
        key,
        this.costOf(context, key.quota),
        randomUUID(),
      );
  }

  /** Counts a finished (or cut) answer and settles its reservation. */
  record(context: RequestContext, answer: Answer): void {
    this.track(this.charge(context, answer));
  }

  /** The request went upstream but no answer reached the client: still charged. */
  recordUnanswered(context: RequestContext): void {
    this.track(this.charge(context, undefined));
  }

  /** An answer from the response cache: counted apart, at no cost to the quota. */
  recordCacheHit(context: RequestContext): void {
    const reservation = this.takeReservation(context);
    const model = this.countedModel(context.model, context.account);
    this.track(
      this.write(
        context.keyName ?? ANONYMOUS,
        model,
        { ...zeroCounters(), cacheHits: 1 },
        reservation,
      ),
    );
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
          credits: totals.nanoAiu / NANO_PER_AIU,
          models,
          ...(key?.quota?.period === period && {
            budgets: budgetsOf(key.quota, amountsOf(totals)),
          }),
        };
      }),
    );
  }

  /** A key's daily counters for the last `days` days, oldest first, today last. */
  async history(name: string, days: number): Promise<DayReport[]> {
    const today = periodWindow('day', this.clock.now());
    const windows = Array.from({ length: days }, (_, i) =>
      periodWindow('day', today.start - (days - 1 - i) * 86_400_000),
    );
    const all = await this.store.readMany(name, windows);
    return windows.map((window, i) => ({
      date: window.key,
      totals: totalsOf(all[i]),
      models: all[i],
    }));
  }

  /** Waits for the counts still being written (the stores close after). */
  async beforeApplicationShutdown(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async gate(
    context: RequestContext,
    res: ServerResponse,
    key: ClientKey,
    cost: Amounts,
    /** The reservation's id: the cost is held until the answer is counted. */
    reserve: string | undefined,
  ): Promise<void> {
    const quota = key.quota!;
    const now = this.clock.now();
    const window = periodWindow(quota.period, now);
    let admission;
    try {
      admission = await this.store.admit(
        key.name,
        window,
        cost,
        limitsOf(quota),
        reserve,
      );
    } catch (error) {
      this.storageFailed(error);
      return;
    }
    const taken = zeroAmounts();
    for (const kind of AMOUNT_NAMES)
      taken[kind] = admission.used[kind] + admission.reserved[kind];
    const budgets = budgetsOf(quota, taken);
    const least = tightest(budgets);
    const resetSeconds = Math.max(1, Math.ceil((window.resetsAt - now) / 1000));
    const headers = {
      'X-Quota-Limit': String(least.limit),
      'X-Quota-Remaining': String(least.remaining),
      'X-Quota-Reset': String(resetSeconds),
    };
    if (admission.refused) {
      this.metrics.quotaRejections.inc({ key: key.name });
      const kind = KIND_OF_AMOUNT[admission.refused];
      const spent = budgets.find((b) => b.kind === kind)!;
      const costs =
        kind === 'premiumRequests' && spent.remaining > 0
          ? ` (this call costs ${cost.premiumRequests}, ${spent.remaining} left)`
          : '';
      throw new ProxyError('quota_exceeded', {
        message: `Quota exceeded: ${BUDGET_WORDS[kind]} for this ${quota.period} are used up (${spent.used} of ${spent.limit})${costs}; it resets in ${resetSeconds} s`,
        headers: { ...headers, 'retry-after': String(resetSeconds) },
      });
    }
    if (reserve !== undefined) {
      this.reservations.set(context, {
        id: reserve,
        key: key.name,
        window,
        amounts: cost,
        local: admission.local,
      });
      // A request that ends without being charged gives its reservation back.
      context.onEnd(() => {
        const left = this.takeReservation(context);
        if (left) this.track(this.store.release(left));
      });
    }
    for (const [name, value] of Object.entries(headers))
      res.setHeader(name, value);
  }

  /**
   * What a model call is held to before its answer: its premium use — at the
   * account's highest multiplier when its model is unknown (a body not read, an
   * id not listed) — its prompt plus the output it may ask for (its own limit,
   * else the model's), and the credits its model's recent calls cost. Before a
   * model's rate is known, a call on a credits budget reserves the whole budget:
   * one call at a time, until an answer tells what the model costs.
   */
  private costOf(
    context: RequestContext,
    quota: NonNullable<ClientKey['quota']>,
  ): Amounts {
    const model = this.pricedModel(context.model, undefined, context.account);
    const known = this.catalog.model(context.account, model);
    const premium =
      context.endpoint === 'embeddings' || context.initiatorHeader === 'agent'
        ? 0
        : known
          ? known.multiplier
          : this.catalog.maxMultiplier(context.account);
    const output = context.maxOutputTokens ?? known?.maxOutputTokens ?? 0;
    return {
      premiumRequests: premium,
      tokens: Math.ceil((context.requestBytes ?? 0) / 4) + output,
      nanoAiu:
        this.creditRates.get(model) ?? (quota.credits ?? 0) * NANO_PER_AIU,
    };
  }

  private async charge(
    context: RequestContext,
    answer: Answer | undefined,
  ): Promise<void> {
    const reservation = this.takeReservation(context);
    if (answer && (answer.status < 200 || answer.status >= 300)) {
      if (reservation) await this.store.release(reservation);
      return;
    }
    const usage = this.measure(context, answer);
    const key = context.keyName ?? ANONYMOUS;
    const model = this.countedModel(
      this.pricedModel(context.model, usage.model, context.account),
      context.account,
    );
    const delta: Counters = {
      requests: 1,
      premiumRequests: this.premiumOf(context, model),
      promptTokens: usage.promptTokens,
      cachedTokens: usage.cachedTokens,
      completionTokens: usage.completionTokens,
      nanoAiu: usage.nanoAiu,
      cacheHits: 0,
    };
    context.tokens = usage.promptTokens + usage.completionTokens;
    // A complete answer that reports no credits teaches a rate of 0 (a free
    // model, an account not billed in credits): calls go in parallel again.
    if (
      usage.nanoAiu > 0 ||
      (answer?.outcome === 'complete' && usage.completionReported)
    )
      this.learnCredits(model, usage.nanoAiu);
    const label = this.catalog.knows(context.account, model) ? model : 'other';
    context.usage = answerUsage(delta, label, usage.model);
    this.metrics.countUsage(key, label, delta);
    await this.write(key, model, delta, reservation);
  }

  /**
   * The usage to count: what the answer reported, and an estimate of what it did
   * not — the prompt at 4 bytes a token of the request body, the completion at 4
   * bytes a token of the text that passed (also over what a cut stream reported).
   */
  private measure(context: RequestContext, answer: Answer | undefined): Usage {
    const usage = answer?.usage;
    const cut = !answer || answer.outcome !== 'complete';
    const promptEstimate = Math.ceil((context.requestBytes ?? 0) / 4);
    const completionEstimate = Math.ceil((answer?.contentBytes ?? 0) / 4);
    const embeddings = context.endpoint === 'embeddings';
    const prompt = usage?.promptReported ? usage.promptTokens : promptEstimate;
    let completion = usage?.completionReported ? usage.completionTokens : 0;
    if (!embeddings && (cut || !usage?.completionReported))
      completion = Math.max(completion, completionEstimate);
    if (
      cut ||
      !usage?.promptReported ||
      (!embeddings && !usage.completionReported)
    )
      context.usageEstimated = true;
    return {
      promptTokens: prompt,
      cachedTokens: usage?.cachedTokens ?? 0,
      completionTokens: completion,
      nanoAiu: usage?.nanoAiu ?? 0,
      promptReported: usage?.promptReported ?? false,
      completionReported: usage?.completionReported ?? false,
      model: usage?.model,
    };
  }

  /** Premium use: a person's turn (`X-Initiator` upstream not `agent`) × the model's multiplier. */
  private premiumOf(context: RequestContext, model: string): number {
    return context.endpoint !== undefined &&
      context.endpoint !== 'embeddings' &&
      context.initiatorHeader !== 'agent'
      ? this.catalog.multiplier(context.account, model)
      : 0;
  }

  /**
   * The model a call is priced as: the one asked for when the account lists it,
   * else the one that answered when the account lists that, else what is known.
   */
  private pricedModel(
    requested: string | undefined,
    answered: string | undefined,
    account: string | undefined,
  ): string {
    if (requested !== undefined && this.catalog.knows(account, requested))
      return requested;
    if (answered !== undefined && this.catalog.knows(account, answered))
      return answered;
    return requested ?? answered ?? 'unknown';
  }

  /**
   * Model names become counters and reach `/usage`: printable and short, and —
   * once the account's list is known — one it lists, else `other`, so names a
   * client makes up cannot grow a key's counters without bound.
   */
  private countedModel(model: string | undefined, account: string | undefined) {
    if (model === undefined || !/^[\w.:/-]{1,100}$/.test(model))
      return 'unknown';
    if (this.catalog.entry(account) && !this.catalog.knows(account, model))
      return 'other';
    return model;
  }

  private learnCredits(model: string, nanoAiu: number): void {
    const rate = this.creditRates.get(model);
    this.creditRates.set(
      model,
      rate === undefined
        ? nanoAiu
        : rate + CREDIT_RATE_WEIGHT * (nanoAiu - rate),
    );
  }

  private async write(
    key: string,
    model: string,
    delta: Counters,
    reservation: Reservation | undefined,
  ): Promise<void> {
    const now = this.clock.now();
    try {
      await this.store.add(
        key,
        model,
        delta,
        PERIODS.map((p) => periodWindow(p, now)),
        reservation,
      );
    } catch (error) {
      this.storageFailed(error);
    }
  }

  /** Runs a write in the background, never as an unhandled rejection. */
  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.storageFailed(error));
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** A request's reservation, once: whoever takes it settles or releases it. */
  private takeReservation(context: RequestContext): Reservation | undefined {
    const reservation = this.reservations.get(context);
    this.reservations.delete(context);
    return reservation;
  }

  private keyOf(context: RequestContext): ClientKey | undefined {
    return context.keyName === undefined
      ? undefined
      : this.keys.named(context.keyName);
  }

  /** The store did not answer (the buffered store tells of each failure here too). */
  storageFailed(error: unknown): void {
    this.metrics.usageStorageFailures.inc();
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    this.logger.warn(
      `usage storage did not answer (${(error as Error).message}): counted locally, added when it is back`,
    );
  }
}

function totalsOf(models: UsageByModel): Counters {
  const totals = zeroCounters();
  for (const counters of Object.values(models)) addCounters(totals, counters);
  return totals;
}

function answerUsage(
  delta: Counters,
  modelLabel: string,
  responseModel: string | undefined,
): AnswerUsage {
  return {
    inputTokens: delta.promptTokens,
    cachedTokens: delta.cachedTokens,
    outputTokens: delta.completionTokens,
    premiumRequests: delta.premiumRequests,
    credits: delta.nanoAiu / NANO_PER_AIU,
    modelLabel,
    responseModel,
  };
}
