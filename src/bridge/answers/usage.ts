import type { BridgeUsage } from '../ir';
import { numberOf, objectOf } from './json-fields';

/**
 * Chat `usage` → the bridge's. Copilot puts `reasoning_tokens` at the top of
 * `usage` for some models (Gemini) rather than in `completion_tokens_details`.
 */
export function readChatUsage(value: unknown): BridgeUsage | undefined {
  const usage = objectOf(value);
  if (!usage) return undefined;
  const input = numberOf(usage.prompt_tokens);
  const output = numberOf(usage.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const reasoning =
    numberOf(objectOf(usage.completion_tokens_details)?.reasoning_tokens) ??
    numberOf(usage.reasoning_tokens);
  return withReasoning(
    {
      inputTokens: input ?? 0,
      outputTokens: output ?? 0,
      cachedInputTokens:
        numberOf(objectOf(usage.prompt_tokens_details)?.cached_tokens) ?? 0,
    },
    reasoning,
  );
}

/** Responses `usage` → the bridge's. */
export function readResponsesUsage(value: unknown): BridgeUsage | undefined {
  const usage = objectOf(value);
  if (!usage) return undefined;
  const input = numberOf(usage.input_tokens);
  const output = numberOf(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return withReasoning(
    {
      inputTokens: input ?? 0,
      outputTokens: output ?? 0,
      cachedInputTokens:
        numberOf(objectOf(usage.input_tokens_details)?.cached_tokens) ?? 0,
    },
    numberOf(objectOf(usage.output_tokens_details)?.reasoning_tokens),
  );
}

function withReasoning(
  usage: BridgeUsage,
  reasoningTokens: number | undefined,
): BridgeUsage {
  return reasoningTokens === undefined ? usage : { ...usage, reasoningTokens };
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
}

/** Anthropic counts cache reads apart: its `input_tokens` excludes them. */
export function toAnthropicUsage(usage: BridgeUsage): AnthropicUsage {
  return {
    input_tokens: Math.max(0, usage.inputTokens - usage.cachedInputTokens),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: usage.cachedInputTokens,
  };
}

export function toChatUsage(usage: BridgeUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens ?? 0,
    },
  };
}

export function toResponsesUsage(usage: BridgeUsage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
