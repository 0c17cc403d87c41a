/**
 * Test support: the client stream grammars (SPEC §11), checked on a writer's
 * whole output. Each check lists what is wrong (empty when the stream is valid)
 * and rebuilds the answer the client would see, for assertions.
 */
import { isDeepStrictEqual } from 'node:util';
import { SseParser } from '../../../http/sse';
import type { Json, SseEvent } from '../../ir';

function events(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(text, 'utf8')), ...parser.end()];
}

function parse(data: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

function isJsonObject(text: string): boolean {
  return parse(text) !== undefined;
}

// ------------------------------------------------------------------ Anthropic

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

// ----------------------------------------------------------------------- Chat

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

// ------------------------------------------------------------------ Responses

export interface ResponsesStream {
  problems: string[];
  types: string[];
  created?: Json;
  /** The items of `output_item.done`, in order. */
  items: Json[];
  /** The response of the terminal event. */
  final?: Json;
  terminal?: string;
}

const PREFIX: Record<string, string> = {
  message: 'msg_',
  reasoning: 'rs_',
  function_call: 'fc_',
};

/**
 * Named events whose name is `data.type`, `sequence_number` 0, 1, 2…;
 * `response.created`, `response.in_progress`; items one at a time, added with
 * `output_index` = items done so far and done with the whole item, the events in
 * between naming that item and index and adding up to the done text; last,
 * `response.completed` / `response.incomplete` with every done item as its
 * output, or `response.failed` with `error {code, message}`.
 */
export function checkResponsesStream(text: string): ResponsesStream {
  const result: ResponsesStream = { problems: [], types: [], items: [] };
  const problem = (message: string) => result.problems.push(message);
  let open:
    | {
        item: Json;
        index: number;
        text: string;
        args: string;
        summary: string;
        part: boolean;
      }
    | undefined;
  for (const [i, event] of events(text).entries()) {
    const data = parse(event.data);
    const at = `event ${i} (${event.event ?? 'unnamed'})`;
    if (!data) {
      problem(`${at}: data is not a JSON object`);
      continue;
    }
    const type = data.type as string;
    result.types.push(type);
    if (event.event !== type) problem(`${at}: event name and data.type differ`);
    if (data.sequence_number !== i)
      problem(`${at}: sequence_number ${String(data.sequence_number)}`);
    if (result.terminal) {
      problem(`${at}: comes after ${result.terminal}`);
      continue;
    }
    const response = data.response as Json | undefined;
    if (i === 0 || i === 1) {
      const expected = i === 0 ? 'response.created' : 'response.in_progress';
      if (type !== expected) problem(`${at}: expected ${expected}`);
      if (
        typeof response?.id !== 'string' ||
        !response.id.startsWith('resp_') ||
        response.object !== 'response' ||
        response.status !== 'in_progress' ||
        !isDeepStrictEqual(response.output, []) ||
        typeof response.created_at !== 'number' ||
        typeof response.model !== 'string'
      )
        problem(`${at}: malformed response`);
      if (i === 0) result.created = response;
      continue;
    }
    if (
      type === 'response.completed' ||
      type === 'response.incomplete' ||
      type === 'response.failed'
    ) {
      result.terminal = type;
      result.final = response;
      if (response?.id !== result.created?.id)
        problem(`${at}: another response id`);
      const status = type.slice('response.'.length);
      if (response?.status !== status)
        problem(`${at}: status ${String(response?.status)}`);
      if (type === 'response.failed') {
        const error = response?.error as Json | undefined;
        if (
          typeof error?.code !== 'string' ||
          typeof error.message !== 'string'
        )
          problem(`${at}: failed without error {code, message}`);
      } else {
        if (open) problem(`${at}: item ${String(open.item.id)} still open`);
        if (!isDeepStrictEqual(response?.output, result.items))
          problem(`${at}: output differs from the done items`);
      }
      if (type === 'response.incomplete') {
        const details = response?.incomplete_details as Json | undefined;
        if (typeof details?.reason !== 'string')
          problem(`${at}: incomplete without incomplete_details.reason`);
      }
      continue;
    }
    if (type === 'response.output_item.added') {
      const item = data.item as Json;
      if (open) problem(`${at}: item ${String(open.item.id)} still open`);
      if (data.output_index !== result.items.length)
        problem(
          `${at}: output_index ${String(data.output_index)}, expected ${result.items.length}`,
        );
      const prefix = PREFIX[item?.type as string];
      if (!prefix || typeof item.id !== 'string' || !item.id.startsWith(prefix))
        problem(
          `${at}: item ${String(item?.type)} with id ${String(item?.id)}`,
        );
      open = {
        item,
        index: result.items.length,
        text: '',
        args: '',
        summary: '',
        part: false,
      };
      continue;
    }
    if (!open) {
      problem(`${at}: ${type} outside an item`);
      continue;
    }
    if (data.output_index !== open.index)
      problem(
        `${at}: output_index ${String(data.output_index)} is not the open item's`,
      );
    if (type === 'response.output_item.done') {
      const item = data.item as Json;
      if (item?.id !== open.item.id || item.type !== open.item.type)
        problem(`${at}: done item differs from the added one`);
      if (item.type === 'message') {
        const content = item.content as Json[];
        if (open.part) problem(`${at}: content part still open`);
        if (content?.[0]?.text !== open.text)
          problem(`${at}: message text differs from its deltas`);
      } else if (item.type === 'function_call') {
        if (item.arguments !== open.args)
          problem(`${at}: arguments differ from their deltas`);
        if (!isJsonObject(item.arguments as string))
          problem(`${at}: arguments are no JSON object`);
        if (typeof item.call_id !== 'string' || item.call_id === '')
          problem(`${at}: function_call without call_id`);
        if (typeof item.name !== 'string') problem(`${at}: no name`);
      } else if (item.type === 'reasoning') {
        const summary = ((item.summary ?? []) as Json[])
          .map((part) => part.text as string)
          .join('');
        if (summary !== open.summary)
          problem(`${at}: summary differs from its deltas`);
      }
      if (item.status !== undefined && item.status !== 'completed')
        problem(`${at}: done item status ${JSON.stringify(item.status)}`);
      result.items.push(item);
      open = undefined;
      continue;
    }
    if (data.item_id !== open.item.id)
      problem(`${at}: item_id ${String(data.item_id)} is not the open item's`);
    const kind = open.item.type;
    switch (type) {
      case 'response.content_part.added':
        if (kind !== 'message' || open.part) problem(`${at}: unexpected part`);
        open.part = true;
        break;
      case 'response.output_text.delta':
        if (kind !== 'message' || !open.part)
          problem(`${at}: text outside a part`);
        open.text += data.delta as string;
        break;
      case 'response.output_text.done':
        if (data.text !== open.text) problem(`${at}: text differs from deltas`);
        break;
      case 'response.content_part.done':
        if ((data.part as Json)?.text !== open.text)
          problem(`${at}: part text differs from deltas`);
        open.part = false;
        break;
      case 'response.function_call_arguments.delta':
        if (kind !== 'function_call')
          problem(`${at}: arguments outside a call`);
        open.args += data.delta as string;
        break;
      case 'response.function_call_arguments.done':
        if (data.arguments !== open.args)
          problem(`${at}: arguments differ from deltas`);
        break;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done':
        if (kind !== 'reasoning') problem(`${at}: summary outside reasoning`);
        break;
      case 'response.reasoning_summary_text.delta':
        if (kind !== 'reasoning') problem(`${at}: summary outside reasoning`);
        open.summary += data.delta as string;
        break;
      case 'response.reasoning_summary_text.done':
        if (data.text !== open.summary)
          problem(`${at}: summary differs from deltas`);
        break;
      default:
        problem(`${at}: unexpected ${type}`);
    }
  }
  if (!result.terminal) problem('the stream ended without a terminal event');
  return result;
}
