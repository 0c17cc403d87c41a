import { BACKSLASH, QUOTE, SPACE } from './json-bytes';

/** Shorter stretches are read byte by byte: a native search costs more. */
const SHORT = 16;

/**
 * The first quote byte at or after the place a search began, for a reader that
 * moves forward through one string: -1 while unknown, `Infinity` when none.
 */
export interface QuoteHint {
  quote: number;
}

/**
 * Where, from `i`, the first byte that ends a plain run of JSON string text
 * lies: a quote, a backslash or a control character (`end` when none). A long
 * run (an item id: ~408 bytes) is found by the native search for its quote,
 * then checked four bytes at a time. With a `hint`, the quote is searched for
 * once and reused until passed: a string with many escapes must not search for
 * its closing quote again after each one (that was quadratic).
 */
export function plainRunEnd(
  b: Uint8Array,
  i: number,
  end: number,
  hint: QuoteHint = { quote: -1 },
): number {
  const short = Math.min(end, i + SHORT);
  for (; i < short; i++) if (!plain(b[i])) return i;
  if (i === end) return end;
  if (hint.quote < i) {
    const found = b.indexOf(QUOTE, i);
    hint.quote = found === -1 ? Infinity : found;
  }
  const quote = Math.min(hint.quote, end);
  return cleanWords(b, i, quote) ? quote : byBytes(b, i, end);
}

const plain = (c: number) => c >= SPACE && c !== QUOTE && c !== BACKSLASH;

function byBytes(b: Uint8Array, i: number, end: number): number {
  while (i < end && plain(b[i])) i++;
  return i;
}

/**
 * Whether `b[from, to)` has no backslash and no control character, read as
 * 32-bit words where they are aligned: per word, a byte below 0x20 sets its top
 * bit in `(x - 0x20202020) & ~x`, and a byte 0x5c in the same of `x ^ 0x5c5c5c5c`
 * against 0x01010101 (a borrow can only follow a byte that matched).
 */
function cleanWords(b: Uint8Array, from: number, to: number): boolean {
  const misaligned = (b.byteOffset + from) & 3;
  const aligned = misaligned === 0 ? from : from + 4 - misaligned;
  const count = (to - aligned) >> 2;
  if (count <= 0) return byBytes(b, from, to) === to;
  if (byBytes(b, from, aligned) !== aligned) return false;
  const words = new Int32Array(b.buffer, b.byteOffset + aligned, count);
  for (let k = 0; k < count; k++) {
    const x = words[k];
    const y = x ^ 0x5c5c5c5c;
    if (
      ((((x - 0x20202020) | 0) & ~x) | (((y - 0x01010101) | 0) & ~y)) &
      0x80808080
    )
      return false;
  }
  const tail = aligned + count * 4;
  return byBytes(b, tail, to) === to;
}
