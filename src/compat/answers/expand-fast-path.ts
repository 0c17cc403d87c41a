import type { WrittenEvent } from './event-stream';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One output item of a terminal event that no `output_item.added` opened. */
export interface UnopenedItem {
  item: Json;
  /** The item's bytes in the terminal event, kept as Copilot wrote them. */
  raw: string;
  outputIndex: number;
  /** The id the stream pinned for its output index. */
  id: string;
  /** Whether the stream names its events (`event:` lines). */
  named: boolean;
}

/**
 * R15: for a short prompt Copilot may take a "fast path": `response.created`
 * (and `in_progress`), then a terminal event carrying the whole `output`, with
 * no `output_item.*` or delta events (Floway `openai-responses/stream.ts`
 * expands them the same way). A streaming client builds its answer from those
 * events (`@ai-sdk/openai` shows no text without them), so each unopened item
 * is written as the events a stream would have carried: added, its parts and
 * deltas, done. The item in `output_item.done` is Copilot's bytes; the deltas
 * carry its text whole. Nothing is invented that goes back upstream.
 * `seq()` numbers each event.
 */
export function expandItem(
  unopened: UnopenedItem,
  seq: () => number,
): WrittenEvent[] {
  const { item, outputIndex, id } = unopened;
  const events: WrittenEvent[] = [];
  const emit = (type: string, fields: Json) =>
    events.push({
      name: unopened.named ? type : undefined,
      data: JSON.stringify({
        type,
        sequence_number: seq(),
        output_index: outputIndex,
        ...fields,
      }),
    });
  const at = { item_id: id, output_index: outputIndex };
  emit('response.output_item.added', { item: openedItem(item, id) });
  if (item.type === 'message' && Array.isArray(item.content)) {
    item.content.forEach((part, index) => {
      if (!isObject(part)) return;
      const refusal = part.type === 'refusal';
      const text = textOf(refusal ? part.refusal : part.text);
      const kind = refusal ? 'refusal' : 'output_text';
      const empty = refusal
        ? { type: 'refusal', refusal: '' }
        : { type: 'output_text', text: '', annotations: [] };
      const place = { ...at, content_index: index };
      emit('response.content_part.added', { ...place, part: empty });
      emit(`response.${kind}.delta`, { ...place, delta: text });
      emit(`response.${kind}.done`, {
        ...place,
        ...(refusal ? { refusal: text } : { text }),
      });
      emit('response.content_part.done', { ...place, part });
    });
  } else if (item.type === 'reasoning' && Array.isArray(item.summary)) {
    item.summary.forEach((part, index) => {
      if (!isObject(part)) return;
      const text = textOf(part.text);
      const place = { ...at, summary_index: index };
      emit('response.reasoning_summary_part.added', {
        ...place,
        part: { type: 'summary_text', text: '' },
      });
      emit('response.reasoning_summary_text.delta', { ...place, delta: text });
      emit('response.reasoning_summary_text.done', { ...place, text });
      emit('response.reasoning_summary_part.done', { ...place, part });
    });
  } else if (item.type === 'function_call') {
    const args = textOf(item.arguments);
    emit('response.function_call_arguments.delta', { ...at, delta: args });
    emit('response.function_call_arguments.done', { ...at, arguments: args });
  }
  // The done item as Copilot wrote it, with the stream's pinned id.
  const raw = item.id === id ? unopened.raw : JSON.stringify({ ...item, id });
  const done = `{"type":"response.output_item.done","sequence_number":${seq()},"output_index":${outputIndex},"item":${raw}}`;
  events.push({
    name: unopened.named ? 'response.output_item.done' : undefined,
    data: done,
  });
  return events;
}

/** The item as `output_item.added` shows it: in progress, its content not yet streamed. */
function openedItem(item: Json, id: string): Json {
  const opened: Json = { ...item, id };
  if ('status' in item) opened.status = 'in_progress';
  if (item.type === 'message') opened.content = [];
  else if (item.type === 'reasoning') opened.summary = [];
  else if (item.type === 'function_call') opened.arguments = '';
  return opened;
}
