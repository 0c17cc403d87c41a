import { isUtf8 } from 'node:buffer';
import { JsonEdits, valueAt } from '../json-edits';
import {
  type EventFilter,
  StreamEvent,
  type WrittenEvent,
} from './event-stream';
import { expandItem } from './expand-fast-path';
import { holds, plainData, type Replacement, splice } from './event-bytes';
import { type EventMembers, scanEventMembers } from './scan-event-members';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The events that end a Responses stream, carrying the whole `output`. */
const TERMINAL = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

/**
 * R9: on `/responses` streams Copilot gives one output item a different opaque
 * id on every event (`output_item.added`, each delta, `done`, and the item in
 * `response.completed.output`); only `output_index` is stable. `@ai-sdk/openai`
 * keys its state by id and fails (`TypeError … summaryParts`, `reasoning part
 * … not found`). Evidence: Jer-y `docs/HANDOFF.md` §2 (408-character ids, a new
 * one per event, gpt-5.4), Floway `9aebdf3d`; peers: Jer-y
 * `normalize-responses-item-ids.ts`, caozhiyuan `stream-id-sync.ts`.
 *
 * Each output index keeps the FIRST id Copilot gave it, on every event and in
 * the terminal `response.output[i]`: what a client sends back is then an id
 * Copilot issued (R10 binds ids to the connection, so none is made up). Only
 * the id's bytes change: `encrypted_content`, `call_id`, content and every
 * other byte stay as Copilot wrote them. With it, R15: a missing (or
 * out-of-order) `sequence_number` is numbered on from the last one, and a
 * fast-path stream's terminal event is expanded into the events it skipped.
 *
 * Most events (deltas: a handful of flat members) are read by a scan of their
 * bytes and edited there (`scanned`); any other is parsed (`parsed`), which
 * `scan: false` forces (the specs hold both to the same bytes).
 *
 * `changed` is called the first time the stream is changed.
 */
export function pinResponsesItemIds(
  changed: () => void,
  { scan = true }: { scan?: boolean } = {},
): EventFilter {
  /** The first id seen per output index. */
  const pins = new Map<number, Pin>();
  /** Output indexes an `output_item.added` opened. */
  const opened = new Set<number>();
  let next = 0;
  const seq = () => next++;
  /** The sequence number an event keeps (undefined) or gets. */
  const number = (current: unknown): number | undefined => {
    if (typeof current === 'number' && current >= next) {
      next = current + 1;
      return undefined;
    }
    return next++;
  };

  return {
    event(event: StreamEvent) {
      const out = scan ? scanned(event.raw) : PARSE;
      return out === PARSE ? parsed(event) : out;
    },
  };

  /**
   * The edit of a plain event (`event: <name>` then one `data: {…}` line, no
   * `\r`, valid UTF-8), read by `scanEventMembers` and made on its bytes as
   * `parsed` makes it, or `PARSE` when only `parsed` can tell (a terminal
   * event with an item no `output_item.added` opened, among others). Nothing
   * is noted before it knows.
   */
  function scanned(raw: Buffer): StreamEvent[] | undefined | typeof PARSE {
    const at = plainData(raw);
    const doc = at === -1 ? undefined : scanEventMembers(raw, at);
    if (!doc || !isUtf8(raw)) return PARSE;
    const terminal = doc.hasResponse && isTerminal(raw, doc);
    // The ids to pin, flat (output index, start, end, …): the terminal
    // event's output items, or the item another event names.
    const ids = terminal
      ? doc.outputIds
      : [doc.outputIndex, doc.idStart, doc.idEnd];
    if (!ids) return PARSE;
    if (terminal)
      for (let k = 0; k < ids.length; k += 3)
        if (!opened.has(ids[k])) return PARSE;
    const current = doc.sequenceNumber;
    if (current !== -1 && current < next) return PARSE;
    const replacements: Replacement[] = [];
    for (let k = 0; k < ids.length; k += 3) {
      const index = ids[k];
      const start = ids[k + 1];
      const end = ids[k + 2];
      if (index === -1 || start === -1) continue;
      const pin = pins.get(index);
      // Without escapes, an id's bytes are its text: equal when the ids are.
      if (!pin)
        pins.set(index, {
          id: raw.toString('utf8', start + 1, end - 1),
          json: Buffer.from(raw.subarray(start, end)),
        });
      else if (!holds(raw, start, end, jsonOf(pin)))
        replacements.push({ start, end, value: jsonOf(pin) });
    }
    if (
      !terminal &&
      doc.outputIndex !== -1 &&
      holds(raw, doc.typeStart, doc.typeEnd, ADDED)
    )
      opened.add(doc.outputIndex);
    const sequence = current === -1 ? next++ : -1;
    if (current !== -1) next = current + 1;
    if (replacements.length === 0 && sequence === -1) return undefined;
    changed();
    // Where `quickEdit` writes (or `JsonEdits`, when an id's text occurs
    // twice: the same bytes): the ids in place, a missing number last.
    const member = sequence === -1 ? '' : `,"sequence_number":${sequence}`;
    return [StreamEvent.framed(splice(raw, replacements, doc.close, member))];
  }

  /** Any event, parsed: the reference the scan agrees with. */
  function parsed(event: StreamEvent) {
    const doc = parse(event.data);
    if (!doc || typeof doc.type !== 'string') return undefined;
    const edits = new JsonEdits();
    let expanded: WrittenEvent[] = [];
    let swap: Swap | undefined;
    const output = isObject(doc.response) ? doc.response.output : undefined;
    if (TERMINAL.has(doc.type) && Array.isArray(output)) {
      expanded = terminal(event, output, edits);
    } else if (typeof doc.output_index === 'number') {
      const index = doc.output_index;
      const item = isObject(doc.item) ? doc.item : undefined;
      const [path, id] =
        typeof doc.item_id === 'string'
          ? [['item_id'], doc.item_id]
          : typeof item?.id === 'string'
            ? [['item', 'id'], item.id]
            : [undefined, undefined];
      if (path && id !== undefined) {
        const pin = pins.get(index)?.id;
        if (pin === undefined) pins.set(index, { id });
        else if (pin !== id) swap = { path, id, pin };
      }
      if (doc.type === 'response.output_item.added') opened.add(index);
    }
    const sequence = number(doc.sequence_number);
    if (!swap && sequence === undefined && edits.size === 0) {
      if (expanded.length === 0) return undefined;
      changed();
      return [...expanded, event];
    }
    changed();
    const fast =
      edits.size === 0
        ? quickEdit(event.data, swap, sequence, doc.sequence_number)
        : undefined;
    if (fast !== undefined)
      return [...expanded, { name: event.name, data: fast }];
    if (swap) edits.set(swap.path, swap.pin);
    if (sequence !== undefined) edits.set(['sequence_number'], sequence);
    const data = edits.apply(Buffer.from(event.data, 'utf8'));
    if (!data) return [...expanded, event];
    return [...expanded, { name: event.name, data: data.toString('utf8') }];
  }

  /** The terminal event: its items' ids pinned, unopened items expanded before it. */
  function terminal(
    event: StreamEvent,
    output: unknown[],
    edits: JsonEdits,
  ): WrittenEvent[] {
    const expanded: WrittenEvent[] = [];
    let bytes: Buffer | undefined;
    output.forEach((item, index) => {
      if (!isObject(item) || typeof item.id !== 'string') return;
      const pin = pins.get(index)?.id ?? item.id;
      if (!pins.has(index)) pins.set(index, { id: pin });
      if (pin !== item.id) edits.set(['response', 'output', index, 'id'], pin);
      if (opened.has(index)) return;
      opened.add(index);
      bytes ??= Buffer.from(event.data, 'utf8');
      const span = valueAt(bytes, ['response', 'output', index]);
      if (!span) return;
      expanded.push(
        ...expandItem(
          {
            item,
            raw: bytes.toString('utf8', span.start, span.end),
            outputIndex: index,
            id: pin,
            named: event.name !== undefined,
          },
          seq,
        ),
      );
    });
    return expanded;
  }
}

/** The id an output index keeps, and its JSON bytes once the scan asked. */
interface Pin {
  id: string;
  json?: Buffer;
}

const jsonOf = (pin: Pin): Buffer =>
  (pin.json ??= Buffer.from(JSON.stringify(pin.id), 'utf8'));

const ADDED = Buffer.from('response.output_item.added');
const TERMINAL_BYTES = [...TERMINAL].map((type) => Buffer.from(type));

const isTerminal = (raw: Buffer, doc: EventMembers) =>
  TERMINAL_BYTES.some((type) => holds(raw, doc.typeStart, doc.typeEnd, type));

/** `scanned` cannot tell: the event is parsed. */
const PARSE = Symbol('parse');

/** An id to write in place of the one an event carries. */
interface Swap {
  path: string[];
  id: string;
  pin: string;
}

/**
 * The common edits made on the event's text, without walking its JSON (the
 * cost of every event of a stream): the id's one occurrence as a member value
 * swapped (a ~408-character opaque id occurs once), and a missing
 * `sequence_number` added last. Undefined when the event is not that plain
 * (the id occurs twice, or a present number must change): `JsonEdits` then.
 */
function quickEdit(
  data: string,
  swap: Swap | undefined,
  sequence: number | undefined,
  current: unknown,
): string | undefined {
  let out = data;
  if (swap) {
    const quoted = JSON.stringify(swap.id);
    const at = out.indexOf(quoted);
    if (at === -1 || out.indexOf(quoted, at + quoted.length) !== -1)
      return undefined;
    let before = at - 1;
    while (before >= 0 && /\s/.test(out[before])) before--;
    if (out[before] !== ':') return undefined;
    out =
      out.slice(0, at) +
      JSON.stringify(swap.pin) +
      out.slice(at + quoted.length);
  }
  if (sequence !== undefined) {
    if (current !== undefined) return undefined;
    const close = out.lastIndexOf('}');
    if (close === -1) return undefined;
    out = `${out.slice(0, close)},"sequence_number":${sequence}${out.slice(close)}`;
  }
  return out;
}

function parse(data: string): Json | undefined {
  if (data.charCodeAt(0) !== 0x7b) return undefined; // `[DONE]`, not JSON
  try {
    const doc: unknown = JSON.parse(data);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}
