import type { BridgeNotes, Json } from '../ir';

/** Ignored fields named in `notes.ignored`; past them, only counted. */
export const MAX_NAMED_IGNORED = 20;
/** The longest a name gets in the `X-Bridge-Ignored` header and the log line. */
const MAX_NAME_CHARS = 64;
/** The longest `X-Bridge-Ignored` value (Node clients refuse headers past 16 KiB). */
export const MAX_IGNORED_HEADER_CHARS = 512;

/** Every name seen per notes (a field name is client-chosen: 100,000 of them cost one lookup each). */
const seen = new WeakMap<BridgeNotes, { names: Set<string>; more: number }>();

/**
 * Records a field left out, once however often it occurs: the first
 * {@link MAX_NAMED_IGNORED} names are listed, the others counted.
 */
export function noteIgnored(notes: BridgeNotes, name: string): void {
  let state = seen.get(notes);
  if (!state) {
    state = { names: new Set(notes.ignored), more: 0 };
    seen.set(notes, state);
  }
  if (state.names.has(name)) return;
  state.names.add(name);
  if (notes.ignored.length < MAX_NAMED_IGNORED) notes.ignored.push(name);
  else state.more++;
}

/** How many distinct ignored fields were noted past the listed ones. */
export function ignoredPastList(notes: BridgeNotes): number {
  return (
    (seen.get(notes)?.more ?? 0) +
    Math.max(0, notes.ignored.length - MAX_NAMED_IGNORED)
  );
}

/**
 * What the `X-Bridge-Ignored` header and the log line say: each listed name in
 * printable ASCII (other bytes, `%`, `,` and space percent-encoded, a name
 * longer than 64 characters cut with `...`), as many as fit in 512 characters,
 * then `+N more` for the rest. A field name is client-chosen text: written raw,
 * a CR or `\u0100` makes Node refuse the header.
 */
export function describeIgnored(notes: BridgeNotes): string[] {
  const names = notes.ignored.slice(0, MAX_NAMED_IGNORED).map(headerSafe);
  let more = ignoredPastList(notes);
  // Room for ", +N more" whatever N is.
  const room = MAX_IGNORED_HEADER_CHARS - 24;
  const out: string[] = [];
  let length = 0;
  for (const name of names) {
    const added = (out.length > 0 ? 2 : 0) + name.length;
    if (length + added > room) {
      more++;
      continue;
    }
    out.push(name);
    length += added;
  }
  if (more > 0) out.push(`+${more} more`);
  return out;
}

/** `name` in printable ASCII, at most {@link MAX_NAME_CHARS} characters (then `...`). */
export function headerSafe(name: string): string {
  let out = '';
  for (const char of name.slice(0, MAX_NAME_CHARS + 1)) {
    const code = char.charCodeAt(0);
    const piece =
      char.length === 1 &&
      code > 0x20 &&
      code < 0x7f &&
      char !== '%' &&
      char !== ','
        ? char
        : percentEncoded(char);
    if (out.length + piece.length > MAX_NAME_CHARS) return `${out}...`;
    out += piece;
  }
  return out;
}

/** A character's UTF-8 bytes as `%XX` (a lone surrogate as U+FFFD's). */
function percentEncoded(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char, 'utf8'))
    out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

/**
 * Notes every key of `object` that is set (not null) and not in `handled`, as
 * `prefix.key` (or `key` without a prefix): what a reader does not carry is
 * named, never dropped silently.
 */
export function noteUnhandledKeys(
  object: Json,
  handled: readonly string[],
  notes: BridgeNotes,
  prefix = '',
): void {
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === null || handled.includes(key)) {
      continue;
    }
    noteIgnored(notes, prefix ? `${prefix}.${key}` : key);
  }
}
