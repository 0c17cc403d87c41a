import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import type { RequestContext } from '../request-context/request-context';
import { GenAiMetrics } from './gen-ai-metrics';
import { isKnownMethod } from '../http/http-methods';
import { LabelChildren } from './label-children';

/**
 * The service's Prometheus metrics, in a registry of its own (two apps in one
 * process, as in the tests, do not collide). Labels are closed sets: method,
 * route class, status code, outcome. Never a path, a key or a token. The series
 * by key name (tokens, premium requests, credits, quota rejections) are kept
 * apart: `/usage` withholds other keys' figures from a plain key, so they are
 * only scraped on `METRICS_PORT` or by a key that may read all usage.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  /** The series labelled by key name. */
  readonly keyRegistry = new Registry();

  readonly requests = new Counter({
    name: 'copilot_proxy_requests_total',
    help: 'HTTP requests answered, by method, route class and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly upstreamHeaders = new Histogram({
    name: 'copilot_proxy_upstream_headers_seconds',
    help: 'Time from sending a request upstream to its response headers',
    labelNames: ['route'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly upstreamFailures = new Counter({
    name: 'copilot_proxy_upstream_failures_total',
    help: 'Upstream failures: unreachable, timeout (no headers), idle_timeout and upstream_reset (mid-body)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly activeStreams = new Gauge({
    name: 'copilot_proxy_active_streams',
    help: 'Event streams being relayed right now',
    registers: [this.registry],
  });

  readonly streamedBytes = new Counter({
    name: 'copilot_proxy_streamed_bytes_total',
    help: 'Response body bytes relayed from the upstream to clients',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly initiators = new Counter({
    name: 'copilot_proxy_initiator_total',
    help: 'Model requests by X-Initiator: user, agent (inferred), client (sent by the client), none (body not read); reason: conversation, unseen-tool-call (infer keys), client, subagent, title, compaction, thread-title, unread',
    labelNames: ['initiator', 'reason'] as const,
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: 'copilot_proxy_tokens_total',
    help: 'Tokens used, by client key name, model and kind (prompt, cached, completion)',
    labelNames: ['key', 'model', 'kind'] as const,
    registers: [this.keyRegistry],
  });

  readonly premiumRequests = new Counter({
    name: 'copilot_proxy_premium_requests_total',
    help: 'Premium requests spent (initiator user × the model multiplier), by key name and model',
    labelNames: ['key', 'model'] as const,
    registers: [this.keyRegistry],
  });

  readonly quotaRejections = new Counter({
    name: 'copilot_proxy_quota_rejections_total',
    help: 'Requests refused because the key was past its quota',
    labelNames: ['key'] as const,
    registers: [this.keyRegistry],
  });

  readonly upstreamRateLimited = new Counter({
    name: 'copilot_proxy_upstream_rate_limited_total',
    help: 'Upstream 429 answers, by the limit named in x-ratelimit-exceeded (unknown when absent)',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly versionRejections = new Counter({
    name: 'copilot_proxy_upstream_version_rejections_total',
    help: 'Copilot answers 466: the editor fingerprint (COPILOT_EDITOR_VERSION, COPILOT_CHAT_VERSION) is considered too old',
    registers: [this.registry],
  });

  readonly bridged = new Counter({
    name: 'copilot_proxy_bridge_requests_total',
    help: 'Model calls translated to another API, by direction (messages->chat, messages->responses, chat->responses, responses->chat)',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  readonly adjustments = new Counter({
    name: 'copilot_proxy_adjustments_total',
    help: 'Exchanges the compatibility stage adjusted for Copilot (SPEC §13), by rule name',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  readonly cooldowns = new Counter({
    name: 'copilot_proxy_copilot_cooldowns_total',
    help: 'Cooldowns started by a Copilot 429 that named a limit (x-ratelimit-exceeded), by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly cooldownRejections = new Counter({
    name: 'copilot_proxy_cooldown_rejections_total',
    help: 'Model calls answered 429 by the proxy while Copilot limited the account',
    registers: [this.registry],
  });

  readonly credits = new Counter({
    name: 'copilot_proxy_credits_total',
    help: 'AI credits (AIU) Copilot reported, by key name and model',
    labelNames: ['key', 'model'] as const,
    registers: [this.keyRegistry],
  });

  readonly usageStorageFailures = new Counter({
    name: 'copilot_proxy_usage_storage_failures_total',
    help: 'Usage counts or quota checks the usage storage (Redis) did not answer',
    registers: [this.registry],
  });

  readonly cache = new Counter({
    name: 'copilot_proxy_cache_total',
    help: 'Cache outcomes: cache models|response, result hit|miss|stale|bypass|store',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  readonly tokenExchanges = new Counter({
    name: 'copilot_proxy_token_exchanges_total',
    help: 'Copilot token exchanges with GitHub, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly rateLimitStorageFailures = new Counter({
    name: 'copilot_proxy_rate_limit_storage_failures_total',
    help: 'Requests let through because the rate-limit storage (Redis) did not answer',
    registers: [this.registry],
  });

  readonly genAi = new GenAiMetrics(this.registry);
  // The series every request touches, bound once per label set.
  private readonly requestsBy = new LabelChildren((v) =>
    this.requests.labels(...v),
  );
  private readonly upstreamHeadersBy = new LabelChildren((v) =>
    this.upstreamHeaders.labels(...v),
  );
  private readonly streamedBytesBy = new LabelChildren((v) =>
    this.streamedBytes.labels(...v),
  );
  private readonly initiatorsBy = new LabelChildren((v) =>
    this.initiators.labels(...v),
  );
  private readonly tokensBy = new LabelChildren((v) =>
    this.tokens.labels(...v),
  );
  private readonly creditsBy = new LabelChildren((v) =>
    this.credits.labels(...v),
  );
  private readonly premiumRequestsBy = new LabelChildren((v) =>
    this.premiumRequests.labels(...v),
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Starts the upstream-headers timer of a route; call the result at the headers. */
  upstreamHeadersTimer(route: string): () => void {
    return this.upstreamHeadersBy.get(route).startTimer();
  }

  /** Counts the body bytes relayed on a route. */
  countStreamedBytes(route: string, bytes: number): void {
    this.streamedBytesBy.get(route).inc(bytes);
  }

  /** Counts a model request by its `X-Initiator` and the reason for it. */
  countInitiator(initiator: string, reason: string): void {
    this.initiatorsBy.get(initiator, reason).inc();
  }

  /** The Prometheus text: every series, or (`perKey` false) all but those by key name. */
  async scrape(perKey: boolean): Promise<string> {
    return perKey
      ? Registry.merge([this.registry, this.keyRegistry]).metrics()
      : this.registry.metrics();
  }

  /** Every answered request, refused ones included (`ServerListeners` calls it). */
  observeRequest(context: RequestContext, status: number): void {
    this.requestsBy
      .get(
        isKnownMethod(context.method) ? context.method : 'OTHER',
        context.route,
        String(status),
      )
      .inc();
    this.genAi.observe(context);
  }

  /** One answer's usage, under a key name and a model from the account's list. */
  countUsage(
    key: string,
    model: string,
    usage: {
      premiumRequests: number;
      promptTokens: number;
      cachedTokens: number;
      completionTokens: number;
      nanoAiu: number;
    },
  ): void {
    if (usage.nanoAiu) this.creditsBy.get(key, model).inc(usage.nanoAiu / 1e9);
    if (usage.promptTokens)
      this.tokensBy.get(key, model, 'prompt').inc(usage.promptTokens);
    if (usage.cachedTokens)
      this.tokensBy.get(key, model, 'cached').inc(usage.cachedTokens);
    if (usage.completionTokens)
      this.tokensBy.get(key, model, 'completion').inc(usage.completionTokens);
    if (usage.premiumRequests)
      this.premiumRequestsBy.get(key, model).inc(usage.premiumRequests);
  }

  onExchange(outcome: 'success' | 'failure'): void {
    this.tokenExchanges.inc({ outcome });
  }

  onStorageFailure(): void {
    this.rateLimitStorageFailures.inc();
  }
}
