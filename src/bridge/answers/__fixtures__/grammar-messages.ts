import { isDeepStrictEqual } from 'node:util';
import type { Json } from '../../ir';
import { events, parse, isJsonObject } from './grammar-events';

export interface MessagesStream {
  problems: string[];
  message?: Json;
  content: Json[];
  stopReason?: unknown;
  usage?: Json;
  copilotUsage?: unknown;
  error?: Json;
}

const STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'refusal',
];

const DELTA_FOR: Record<string, string[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
};

/**
 * `message_start`, then per block `content_block_start` (index = blocks so far) →
 * deltas of the block's kind → `content_block_stop`, then `message_delta`,
 * `message_stop`; or an `error` event, after which nothing comes.
 */
export function checkMessagesStream(text: string): MessagesStream {
  const result: MessagesStream = { problems: [], content: [] };
  const problem = (message: string) => result.problems.push(message);
  let state: 'init' | 'message' | 'block' | 'delta' | 'stopped' | 'failed' =
    'init';
  let block: { json: string; signed: boolean; value: Json } | undefined;
  for (const [i, event] of events(text).entries()) {
    const data = parse(event.data);
    const at = `event ${i} (${event.event ?? 'unnamed'})`;
    if (!data) {
      problem(`${at}: data is not a JSON object`);
      continue;
    }
    if (event.event !== data.type)
      problem(`${at}: event name and data.type differ (${String(data.type)})`);
    if (state === 'stopped' || state === 'failed') {
      problem(`${at}: comes after the stream ended`);
      continue;
    }
    const type = data.type;
    if (type === 'error') {
      const error = data.error as Json | undefined;
      if (typeof error?.type !== 'string' || typeof error.message !== 'string')
        problem(`${at}: error without type and message`);
      result.error = error;
      state = 'failed';
      continue;
    }
    if (state === 'init') {
      if (type !== 'message_start') {
        problem(`${at}: the first event must be message_start`);
        continue;
      }
      const message = data.message as Json;
      const usage = message?.usage as Json | undefined;
      if (
        typeof message?.id !== 'string' ||
        !message.id.startsWith('msg_') ||
        message.type !== 'message' ||
        message.role !== 'assistant' ||
        typeof message.model !== 'string' ||
        !isDeepStrictEqual(message.content, []) ||
        message.stop_reason !== null ||
        typeof usage?.input_tokens !== 'number' ||
        typeof usage.output_tokens !== 'number'
      )
        problem(`${at}: message_start.message is malformed`);
      result.message = message;
      state = 'message';
      continue;
    }
    if (state === 'message') {
      if (type === 'content_block_start') {
        const value = { ...(data.content_block as Json) };
        if (data.index !== result.content.length)
          problem(
            `${at}: block index ${String(data.index)}, expected ${result.content.length}`,
          );
        if (!DELTA_FOR[value.type as string])
          problem(`${at}: unknown block type ${String(value.type)}`);
        if (value.type === 'tool_use') {
          if (typeof value.id !== 'string' || typeof value.name !== 'string')
            problem(`${at}: tool_use without id and name`);
          if (!isDeepStrictEqual(value.input, {}))
            problem(`${at}: tool_use must start with input {}`);
        }
        block = { json: '', signed: false, value };
        result.content.push(value);
        state = 'block';
      } else if (type === 'message_delta') {
        const delta = data.delta as Json;
        if (!STOP_REASONS.includes(delta?.stop_reason as string))
          problem(`${at}: stop_reason ${String(delta?.stop_reason)}`);
        if (!('stop_sequence' in (delta ?? {})))
          problem(`${at}: message_delta without stop_sequence`);
        const usage = data.usage as Json | undefined;
        if (typeof usage?.output_tokens !== 'number')
          problem(`${at}: message_delta without usage.output_tokens`);
        result.stopReason = delta?.stop_reason;
        result.usage = usage;
        result.copilotUsage = data.copilot_usage;
        state = 'delta';
      } else problem(`${at}: ${String(type)} outside a block`);
      continue;
    }
    if (state === 'block' && block) {
      if (data.index !== result.content.length - 1)
        problem(`${at}: index ${String(data.index)} is not the open block's`);
      if (type === 'content_block_delta') {
        const delta = data.delta as Json;
        const kind = block.value.type as string;
        if (!DELTA_FOR[kind]?.includes(delta?.type as string))
          problem(`${at}: ${String(delta?.type)} in a ${kind} block`);
        if (block.signed) problem(`${at}: delta after the signature`);
        if (delta.type === 'text_delta')
          block.value.text = `${block.value.text as string}${delta.text as string}`;
        else if (delta.type === 'thinking_delta')
          block.value.thinking = `${block.value.thinking as string}${delta.thinking as string}`;
        else if (delta.type === 'signature_delta') {
          block.value.signature = delta.signature;
          block.signed = true;
        } else if (delta.type === 'input_json_delta')
          block.json += delta.partial_json as string;
      } else if (type === 'content_block_stop') {
        if (block.value.type === 'thinking' && !block.signed)
          problem(`${at}: thinking block stopped without a signature_delta`);
        if (block.value.type === 'tool_use') {
          if (!isJsonObject(block.json))
            problem(
              `${at}: tool input ${JSON.stringify(block.json)} is no JSON object`,
            );
          else block.value.input = parse(block.json);
        }
        block = undefined;
        state = 'message';
      } else problem(`${at}: ${String(type)} inside a block`);
      continue;
    }
    if (state === 'delta') {
      if (type !== 'message_stop') problem(`${at}: expected message_stop`);
      state = 'stopped';
    }
  }
  if (state !== 'stopped' && state !== 'failed')
    problem(`the stream ended in state ${state}`);
  return result;
}
