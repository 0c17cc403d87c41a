import type { Json } from '../../ir';
import { events, parse, isJsonObject } from './grammar-events';

export interface ChatStream {
  problems: string[];
  id?: string;
  model?: string;
  text: string;
  reasoning: string;
  opaque: string[];
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: unknown;
  usage?: Json;
  copilotUsage?: unknown;
  error?: Json;
}

const CHAT_REASONS = ['stop', 'length', 'tool_calls', 'content_filter'];

/**
 * Unnamed `data:` chunks of one id, the role first; tool calls by index from 0,
 * each opened once with id, type and name and argued under its index, one after
 * another; one `finish_reason`; then at most a usage chunk (`choices: []`);
 * `[DONE]` last. An `{"error":…}` chunk ends the stream instead (no `[DONE]`).
 */
export function checkChatStream(text: string): ChatStream {
  const result: ChatStream = {
    problems: [],
    text: '',
    reasoning: '',
    opaque: [],
    toolCalls: [],
  };
  const problem = (message: string) => result.problems.push(message);
  let ended: 'done' | 'error' | undefined;
  let chunks = 0;
  let finished = false;
  let usageSeen = false;
  for (const [i, event] of events(text).entries()) {
    const at = `event ${i}`;
    if (event.event !== undefined) problem(`${at}: named ${event.event}`);
    if (ended) {
      problem(`${at}: comes after the stream ended (${ended})`);
      continue;
    }
    if (event.data === '[DONE]') {
      ended = 'done';
      if (!finished) problem(`${at}: [DONE] before a finish_reason`);
      continue;
    }
    const data = parse(event.data);
    if (!data) {
      problem(`${at}: data is not a JSON object`);
      continue;
    }
    if (data.error !== undefined) {
      const error = data.error as Json;
      if (typeof error?.message !== 'string' || typeof error.type !== 'string')
        problem(`${at}: error without message and type`);
      result.error = error;
      ended = 'error';
      continue;
    }
    chunks++;
    if (data.object !== 'chat.completion.chunk')
      problem(`${at}: object ${String(data.object)}`);
    if (typeof data.created !== 'number') problem(`${at}: no created`);
    if (typeof data.model !== 'string') problem(`${at}: no model`);
    if (result.id === undefined) {
      result.id = data.id as string;
      result.model = data.model as string;
      if (typeof data.id !== 'string' || !data.id.startsWith('chatcmpl-'))
        problem(`${at}: id ${String(data.id)}`);
    } else if (data.id !== result.id) problem(`${at}: another id`);
    const choices = data.choices as Json[];
    if (!Array.isArray(choices)) {
      problem(`${at}: no choices`);
      continue;
    }
    if (choices.length === 0) {
      if (!finished || usageSeen || data.usage === undefined)
        problem(`${at}: a chunk without choices must be the one usage chunk`);
      usageSeen = true;
      result.usage = data.usage as Json;
      result.copilotUsage = data.copilot_usage;
      continue;
    }
    if (finished) problem(`${at}: a choice after the finish_reason`);
    if (choices.length !== 1 || choices[0].index !== 0)
      problem(`${at}: choices must be one choice of index 0`);
    const choice = choices[0];
    const delta = (choice.delta ?? {}) as Json;
    if (chunks === 1 && delta.role !== 'assistant')
      problem(`${at}: the first chunk has no role assistant`);
    if (chunks > 1 && delta.role !== undefined)
      problem(`${at}: role after the first chunk`);
    if (typeof delta.content === 'string') result.text += delta.content;
    if (typeof delta.reasoning_text === 'string')
      result.reasoning += delta.reasoning_text;
    if (typeof delta.reasoning_opaque === 'string')
      result.opaque.push(delta.reasoning_opaque);
    for (const call of (delta.tool_calls ?? []) as Json[]) {
      const fn = (call.function ?? {}) as Json;
      if (call.index === result.toolCalls.length) {
        if (
          typeof call.id !== 'string' ||
          call.type !== 'function' ||
          typeof fn.name !== 'string' ||
          fn.arguments !== ''
        )
          problem(
            `${at}: tool call ${String(call.index)} opened without id, type, name and arguments ""`,
          );
        result.toolCalls.push({
          id: call.id as string,
          name: fn.name as string,
          arguments: '',
        });
      } else if (call.index === result.toolCalls.length - 1) {
        if (call.id !== undefined || fn.name !== undefined)
          problem(`${at}: tool call ${String(call.index)} opened twice`);
        result.toolCalls[call.index].arguments += fn.arguments as string;
      } else
        problem(`${at}: tool call index ${String(call.index)} out of order`);
    }
    if (choice.finish_reason !== null) {
      if (!CHAT_REASONS.includes(choice.finish_reason as string))
        problem(`${at}: finish_reason ${JSON.stringify(choice.finish_reason)}`);
      finished = true;
      result.finishReason = choice.finish_reason;
    }
  }
  for (const call of result.toolCalls) {
    if (!isJsonObject(call.arguments))
      problem(
        `tool call ${call.id}: arguments ${JSON.stringify(call.arguments)} are no JSON object`,
      );
  }
  if (!ended) problem('the stream ended without [DONE] or an error');
  return result;
}
