import type { StreamPart } from '../../ir';

/** What the Chat stream reader keeps between chunks. */

export type OpenBlock =
  { kind: 'text' | 'reasoning'; id: string } | { kind: 'call'; index: number };

export type Deferred =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string; signature?: string }
  | { kind: 'call'; index: number };

export interface CallState {
  id?: string;
  name?: string;
  args: string;
  started: boolean;
}

/** A text or reasoning run kept while a tool call streamed, as one whole block. */
export function deferredBlock(
  entry: Exclude<Deferred, { kind: 'call' }>,
  id: string,
): StreamPart[] {
  const kind = entry.kind;
  const parts: StreamPart[] = [{ type: `${kind}-start`, id }];
  if (entry.text !== '') {
    parts.push({ type: `${kind}-delta`, id, delta: entry.text });
  }
  if (entry.kind === 'reasoning' && entry.signature !== undefined) {
    parts.push({ type: 'reasoning-end', id, signature: entry.signature });
  } else {
    parts.push({ type: `${kind}-end`, id });
  }
  return parts;
}
