import { isDeepStrictEqual } from 'node:util';
import type { Json } from '../../ir';
import { events, parse, isJsonObject } from './grammar-events';

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
