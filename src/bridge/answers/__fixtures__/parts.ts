/** Test support: bridge part runs, written short. */
import type { StreamPart } from '../../ir';

export function textBlock(id: string, ...deltas: string[]): StreamPart[] {
  return [
    { type: 'text-start', id },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id, delta })),
    { type: 'text-end', id },
  ];
}

export function reasoningBlock(
  id: string,
  deltas: string[],
  end: { signature?: string; encrypted?: string; itemId?: string } = {},
): StreamPart[] {
  return [
    { type: 'reasoning-start', id },
    ...deltas.map((delta): StreamPart => ({
      type: 'reasoning-delta',
      id,
      delta,
    })),
    { type: 'reasoning-end', id, ...end },
  ];
}

export function callBlock(
  id: string,
  name: string,
  ...deltas: string[]
): StreamPart[] {
  return [
    { type: 'tool-call-start', id, name },
    ...deltas.map((delta): StreamPart => ({
      type: 'tool-call-delta',
      id,
      delta,
    })),
    { type: 'tool-call-end', id },
  ];
}
