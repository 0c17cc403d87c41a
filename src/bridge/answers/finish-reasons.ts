import type { FinishReason } from '../ir';

/** Chat `finish_reason` → the bridge's; `null`/absent (still streaming) → undefined. */
export function fromChatFinishReason(
  reason: unknown,
): FinishReason | undefined {
  switch (reason) {
    case undefined:
    case null:
    case '':
      return undefined;
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    default:
      return 'other';
  }
}

/**
 * Of several choices' reasons, the one that tells the client most: a tool call
 * wins (Copilot may put text and tool calls in separate choices, each with its
 * own reason), then the first one given.
 */
export function mergeFinishReasons(
  current: FinishReason | undefined,
  next: FinishReason | undefined,
): FinishReason | undefined {
  if (next === 'tool-calls') return next;
  return current ?? next;
}

/** Responses `incomplete_details.reason` → the bridge's. */
export function fromResponsesIncomplete(reason: unknown): FinishReason {
  return reason === 'content_filter' ? 'content-filter' : 'length';
}

export type AnthropicStopReason =
  'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export function toAnthropicStopReason(
  reason: FinishReason,
): AnthropicStopReason {
  switch (reason) {
    case 'stop-sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export type ChatFinishReason =
  'stop' | 'length' | 'tool_calls' | 'content_filter';

export function toChatFinishReason(reason: FinishReason): ChatFinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export interface ResponsesOutcome {
  status: 'completed' | 'incomplete';
  incompleteDetails: { reason: 'max_output_tokens' | 'content_filter' } | null;
}

/** Responses has no "stopped for tool calls": only a length or filter stop is incomplete. */
export function toResponsesOutcome(reason: FinishReason): ResponsesOutcome {
  switch (reason) {
    case 'length':
      return {
        status: 'incomplete',
        incompleteDetails: { reason: 'max_output_tokens' },
      };
    case 'content-filter':
      return {
        status: 'incomplete',
        incompleteDetails: { reason: 'content_filter' },
      };
    default:
      return { status: 'completed', incompleteDetails: null };
  }
}
