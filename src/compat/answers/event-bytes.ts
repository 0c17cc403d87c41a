import { CR, LF, OPEN_OBJECT } from './json-bytes';

const EVENT_FIELD = Buffer.from('event: ');
const DATA_FIELD = Buffer.from('data: ');

/**
 * Where the JSON of an event written as Copilot writes them starts: an
 * optional `event: <name>` line, then one `data: {…` line, no `\r` — exactly
 * the bytes `formatEvent` would write for it, so editing them in place gives
 * what a parse and a rewrite would. -1 for any other layout (comments, other
 * fields, several data lines, `data:` without its space): the caller parses.
 * A line break in the rest is for the JSON's reader to refuse.
 */
export function plainData(raw: Buffer): number {
  let at = 0;
  if (startsWith(raw, 0, EVENT_FIELD)) {
    const lf = raw.indexOf(LF, EVENT_FIELD.length);
    if (lf === -1) return -1;
    for (let i = EVENT_FIELD.length; i < lf; i++) if (raw[i] === CR) return -1;
    at = lf + 1;
  }
  if (!startsWith(raw, at, DATA_FIELD)) return -1;
  at += DATA_FIELD.length;
  return raw[at] === OPEN_OBJECT ? at : -1;
}

/** Whether `raw[start, end)` holds exactly `text`'s bytes. */
export function holds(
  raw: Buffer,
  start: number,
  end: number,
  text: Buffer,
): boolean {
  if (text.length !== end - start) return false;
  // Two different ids differ early: the native compare only for the rest.
  const head = Math.min(text.length, 32);
  for (let i = 0; i < head; i++) if (raw[start + i] !== text[i]) return false;
  return head === text.length || text.compare(raw, start, end) === 0;
}

/** Bytes `[start, end)` to write as `value`. */
export interface Replacement {
  start: number;
  end: number;
  value: Buffer;
}

/**
 * `raw` with each replacement made (in order, apart, before `close`) and
 * `member` (`,"key":value`, ASCII) inserted at `close`, followed by the blank
 * line that ends the event: one copy of the bytes, nothing decoded.
 */
export function splice(
  raw: Buffer,
  replacements: readonly Replacement[],
  close: number,
  member: string,
): Buffer {
  let length = raw.length + member.length + 2;
  for (const { start, end, value } of replacements)
    length += value.length - (end - start);
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  let from = 0;
  for (const { start, end, value } of replacements) {
    at = copy(out, at, raw, from, start);
    out.set(value, at);
    at += value.length;
    from = end;
  }
  at = copy(out, at, raw, from, close);
  for (let i = 0; i < member.length; i++) out[at++] = member.charCodeAt(i);
  at = copy(out, at, raw, close, raw.length);
  out[at] = out[at + 1] = LF;
  return out;
}

/** `source[from, to)` copied into `out` at `at` (`Buffer#copy` without its checks); where it ends. */
function copy(
  out: Uint8Array,
  at: number,
  source: Uint8Array,
  from: number,
  to: number,
): number {
  out.set(
    new Uint8Array(source.buffer, source.byteOffset + from, to - from),
    at,
  );
  return at + to - from;
}

function startsWith(raw: Buffer, at: number, prefix: Buffer): boolean {
  if (raw.length < at + prefix.length) return false;
  for (let i = 0; i < prefix.length; i++)
    if (raw[at + i] !== prefix[i]) return false;
  return true;
}
