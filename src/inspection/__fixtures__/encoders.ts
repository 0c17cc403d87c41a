import { pieceCost } from '../budgeted-count';
import { BpeEncoder, o200kEncoder } from '../o200k-encoder';

export const o200k = o200kEncoder();

/** An encoder that records every text it is handed, counting with `inner`. */
export function spy(inner: BpeEncoder = o200k): {
  encoder: BpeEncoder;
  seen: string[];
} {
  const seen: string[] = [];
  const encoder: BpeEncoder = {
    pattern: inner.pattern,
    count: (text) => {
      seen.push(text);
      return inner.count(text);
    },
  };
  return { encoder, seen };
}

/** One token for every two characters, rounded up: a BPE stand-in to do sums with. */
export const halves: BpeEncoder = {
  pattern: o200k.pattern,
  count: (text) => Math.ceil(text.length / 2),
};

/** What {@link halves} counts for the texts it was handed. */
export const halvesOf = (seen: string[]): number =>
  seen.reduce((sum, text) => sum + halves.count(text), 0);

/**
 * {@link halves} on a clock: each call moves `clock.now` on by the cost model's
 * time for the pieces it is handed, so a long piece is as slow as the BPE.
 */
export function timed(): { encoder: BpeEncoder; clock: { now: number } } {
  const clock = { now: 0 };
  const pieces = new RegExp(o200k.pattern, 'gu');
  const encoder: BpeEncoder = {
    pattern: o200k.pattern,
    count: (text) => {
      for (const match of text.matchAll(pieces))
        clock.now += pieceCost(Buffer.byteLength(match[0]));
      return halves.count(text);
    },
  };
  return { encoder, clock };
}

/** `count` characters drawn from `from`…`to` (code points), the same each run. */
export function drawn(count: number, from: number, to: number): string {
  let seed = 1;
  let text = '';
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    text += String.fromCodePoint(from + (seed % (to - from)));
  }
  return text;
}

export const PROSE =
  'The proxy reads the request body once, keeps it while the upstream answers, and counts its tokens itself when the upstream has no such endpoint.\n\n';
