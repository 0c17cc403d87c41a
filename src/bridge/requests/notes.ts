import type { BridgeNotes, Json } from '../ir';

/** Records a field left out, once however often it occurs. */
export function noteIgnored(notes: BridgeNotes, name: string): void {
  if (!notes.ignored.includes(name)) notes.ignored.push(name);
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
