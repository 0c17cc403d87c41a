import { Registry } from 'prom-client';
import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { GenAiMetrics } from './gen-ai-metrics';

function streamed(outcome: string, outputTokens: number): RequestContext {
  const context = new RequestContext('id', 'POST', parseTarget('/v1/messages'));
  context.stream = true;
  context.firstByteMs = 250;
  context.outcome = outcome;
  context.usage = {
    inputTokens: 10,
    cachedTokens: 0,
    outputTokens,
    premiumRequests: 1,
    credits: 0,
    modelLabel: 'claude-sonnet-4',
    responseModel: undefined,
  };
  return context;
}

const counts = async (registry: Registry) => {
  const text = await registry.metrics();
  const count = (name: string) =>
    Number(
      new RegExp(
        `^${name}_count\\{route="messages",model="claude-sonnet-4"\\} (\\d+)$`,
        'm',
      ).exec(text)?.[1] ?? 0,
    );
  return {
    ttft: count('copilot_proxy_time_to_first_token_seconds'),
    tpot: count('copilot_proxy_time_per_output_token_seconds'),
  };
};

describe('GenAiMetrics', () => {
  it('times a complete stream: its first token, and each token after it', async () => {
    const registry = new Registry();
    const metrics = new GenAiMetrics(registry);
    metrics.observe(streamed('complete', 20));
    expect(await counts(registry)).toEqual({ ttft: 1, tpot: 1 });
    expect(await registry.metrics()).toContain(
      'copilot_proxy_time_to_first_token_seconds_bucket{le="0.25",route="messages",model="claude-sonnet-4"} 1',
    );
  });

  it('leaves out cut streams, a single token and unread usage', async () => {
    const registry = new Registry();
    const metrics = new GenAiMetrics(registry);
    metrics.observe(streamed('upstream_reset', 20));
    metrics.observe(streamed('complete', 1));
    const estimated = streamed('complete', 20);
    estimated.usageEstimated = true;
    metrics.observe(estimated);
    const unread = streamed('complete', 20);
    unread.usage = undefined;
    metrics.observe(unread);
    expect(await counts(registry)).toEqual({ ttft: 2, tpot: 0 });
  });
});
