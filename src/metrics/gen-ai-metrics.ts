import { Histogram, Registry } from 'prom-client';
import type { RequestContext } from '../request-context/request-context';

/**
 * What a team watches for Copilot's own slowness (the GenAI conventions'
 * `gen_ai.server.time_to_first_token` and `time_per_output_token`), per route
 * class and model (one the account lists, else `other`), on every streamed
 * model answer that ended complete, traced or not. The first token is the
 * first body byte relayed; the time per output token spreads the rest of the
 * stream over the tokens after the first, when the answer reported them.
 */
export class GenAiMetrics {
  private readonly timeToFirstToken: Histogram<'route' | 'model'>;
  private readonly timePerOutputToken: Histogram<'route' | 'model'>;

  constructor(registry: Registry) {
    this.timeToFirstToken = new Histogram({
      name: 'copilot_proxy_time_to_first_token_seconds',
      help: 'Streamed model answers: time from the request to the first byte of the answer, by route class and model',
      labelNames: ['route', 'model'] as const,
      buckets: [
        0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
        30,
      ],
      registers: [registry],
    });
    this.timePerOutputToken = new Histogram({
      name: 'copilot_proxy_time_per_output_token_seconds',
      help: 'Streamed model answers: time per output token after the first, by route class and model',
      labelNames: ['route', 'model'] as const,
      buckets: [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
        0.5, 1, 2.5,
      ],
      registers: [registry],
    });
  }

  /** A request's response closed (`MetricsService.observeRequest`). */
  observe(context: RequestContext): void {
    const usage = context.usage;
    const firstByteMs = context.firstByteMs;
    if (
      usage === undefined ||
      firstByteMs === undefined ||
      !context.stream ||
      context.outcome !== 'complete'
    )
      return;
    const labels = { route: context.route, model: usage.modelLabel };
    this.timeToFirstToken.observe(labels, firstByteMs / 1000);
    if (usage.outputTokens > 1 && !context.usageEstimated) {
      const restMs = performance.now() - context.startedAt - firstByteMs;
      this.timePerOutputToken.observe(
        labels,
        restMs / 1000 / (usage.outputTokens - 1),
      );
    }
  }
}
