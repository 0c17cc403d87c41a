import type { BpeEncoder } from './o200k-encoder';

/** How much of a text is counted exactly, and in what pieces. */
export interface CountLimits {
  /**
   * The longest piece, in UTF-8 bytes, handed to the BPE whole (a part holds
   * one code point at least): bytes, not characters, since the BPE's time is
   * quadratic in bytes (256 CJK characters took 30 ms, 256 letters 4 ms).
   */
  maxPiece: number;
  /** The cost, in the units of {@link pieceCost}, counted exactly (> 0). */
  budget: number;
  /**
   * When counting must stop, on `now`'s clock (`performance.now()` unless
   * given): the cost model is an estimate, and a slower core than it assumes
   * must not stall the event loop for longer. Checked every
   * {@link CLOCK_STEP} of cost and after every part of a long piece, so it is
   * passed by at most one part and one step.
   */
  deadline?: number;
  now?: () => number;
}

/**
 * How much cost is counted between two looks at the clock (about 1 ms; a look,
 * `performance.now()`, costs some 50 ns).
 */
export const CLOCK_STEP = 20_000;

/**
 * The defaults: pieces of up to 256 bytes (words, CJK clauses of up to 85
 * characters between punctuation, table padding and rulers are shorter, so
 * ordinary text is counted exactly; the longest part then takes some 4 ms),
 * and a budget of about 200 ms of BPE on one core of a 2020s server: some
 * 250 KB of English or code, 90 KB of CJK prose, 15 KB of unbroken runs.
 */
export const COUNT_LIMITS: CountLimits = { maxPiece: 256, budget: 4_000_000 };

/** What a piece adds besides its merges: its pre-tokenizing, lookups, allocations. */
const PER_PIECE = 30;
/** What a call into the encoder costs besides its pieces. */
const PER_CALL = 100;

/**
 * The BPE cost of a piece of `bytes` UTF-8 bytes, in units of about 50 ns:
 * js-tiktoken merges a piece in time quadratic in its length (each merge
 * rescans every pair), so 10 KB of `a` in one piece took seconds.
 */
export const pieceCost = (bytes: number): number => PER_PIECE + bytes * bytes;

/**
 * The tokens of `texts` in time linear in their length, whatever they hold.
 *
 * - Pieces: the text is cut where the encoder's own pre-tokenizer cuts it; a
 *   piece longer than `maxPiece` UTF-8 bytes (an unbroken run of letters, CJK
 *   characters, symbols, emoji or spaces) is cut into parts of at most
 *   `maxPiece` bytes, never inside a code point, and each counted on its own
 *   (the text before it with its first part). Consecutive ordinary pieces go to the encoder
 *   together, so their count is exact.
 * - Budget: each piece costs {@link pieceCost} of its UTF-8 length. Once
 *   `budget` is spent, counting stops at the next piece or part; the bytes not
 *   counted (the rest of that text and every later one) are estimated at the
 *   tokens per byte of what was counted, and the total rounded to an integer:
 *   `counted + round(restBytes × countedTokens / countedBytes)`.
 * - Deadline: past `limits.deadline`, counting stops as if the budget were spent.
 */
export function countWithinBudget(
  texts: readonly string[],
  encoder: BpeEncoder,
  limits: CountLimits = COUNT_LIMITS,
): number {
  const pieces = new RegExp(encoder.pattern, 'gu');
  let spent = 0;
  let tokens = 0;
  let countedBytes = 0;
  let restBytes = 0;
  const { deadline } = limits;
  const now = limits.now ?? (() => performance.now());
  /** The cost spent when the clock was last looked at. */
  let looked = 0;
  for (const text of texts) {
    if (spent >= limits.budget) {
      restBytes += Buffer.byteLength(text);
      continue;
    }
    /** Where the text not yet handed to the encoder begins. */
    let from = 0;
    const countUpTo = (to: number): void => {
      if (to <= from) return;
      tokens += encoder.count(text.slice(from, to));
      spent += PER_CALL;
      from = to;
    };
    /** Where counting stopped for the budget, or -1. */
    let stop = -1;
    forEachPiece(text, pieces, (start, end) => {
      const whole = utf8Length(text, start, end);
      const long = whole > limits.maxPiece;
      for (let at = start; at < end;) {
        if (spent >= limits.budget) {
          stop = at;
          return false;
        }
        const to = long ? partEnd(text, at, end, limits.maxPiece) : end;
        const bytes = long ? utf8Length(text, at, to) : whole;
        spent += pieceCost(bytes);
        countedBytes += bytes;
        if (long) countUpTo(to);
        at = to;
        if (deadline !== undefined && (long || spent - looked >= CLOCK_STEP)) {
          // A piece (or part) boundary: counting may stop here, exactly so far.
          countUpTo(to);
          looked = spent;
          // Past it, counting stops at the next piece, as past the budget.
          if (now() >= deadline) spent = Infinity;
        }
      }
      return true;
    });
    countUpTo(stop < 0 ? text.length : stop);
    if (stop >= 0) restBytes += Buffer.byteLength(text.slice(stop));
  }
  if (restBytes === 0) return tokens;
  return tokens + Math.round((restBytes * tokens) / countedBytes);
}

/**
 * Code units the pre-tokenizer is run over at once: V8's regular expressions
 * overflow their stack on one match of a few million units (a run of CJK, or
 * of letters with combining marks).
 */
export const SCAN_WINDOW = 16_384;
/** A piece ending this close to a window's end may go on past it (a run; a suffix such as 're). */
const SCAN_MARGIN = 8;

/**
 * Calls `visit` with each piece of `text` (its start and end) in order until
 * it returns false: the pieces `pieces` finds in the whole text, found window
 * by window; a piece near a window's end is found again from its start in the
 * next window, and a run longer than a window comes in window-long parts.
 */
function forEachPiece(
  text: string,
  pieces: RegExp,
  visit: (start: number, end: number) => boolean,
): void {
  for (let pos = 0; pos < text.length;) {
    let end = Math.min(text.length, pos + SCAN_WINDOW);
    if (end < text.length && isHighSurrogate(text, end - 1)) end--;
    const window = text.slice(pos, end);
    let next = end;
    pieces.lastIndex = 0;
    for (let m = pieces.exec(window); m; m = pieces.exec(window)) {
      const start = pos + m.index;
      const stop = start + m[0].length;
      if (end < text.length && stop > end - SCAN_MARGIN && m.index > 0) {
        next = start;
        break;
      }
      if (!visit(start, stop)) return;
    }
    pos = next;
  }
}

const isHighSurrogate = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at);
  return code >= 0xd800 && code <= 0xdbff;
};

const isLowSurrogate = (text: string, at: number): boolean => {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff;
};

/**
 * The UTF-8 bytes of a code unit not in a surrogate pair: a lone surrogate is
 * written as U+FFFD, 3 bytes, as `Buffer` and the encoder see it.
 */
const unitBytes = (code: number): number =>
  code < 0x80 ? 1 : code < 0x800 ? 2 : 3;

/** The UTF-8 length of `text` from `start` to `end`, a surrogate pair being 4. */
function utf8Length(text: string, start: number, end: number): number {
  let bytes = 0;
  for (let i = start; i < end; i++) {
    if (
      i + 1 < end &&
      isHighSurrogate(text, i) &&
      isLowSurrogate(text, i + 1)
    ) {
      bytes += 4;
      i++;
    } else bytes += unitBytes(text.charCodeAt(i));
  }
  return bytes;
}

/**
 * Where the part of `text` from `at` ends: as many code points before `end` as
 * fit in `maxBytes` UTF-8 bytes, one at least, a surrogate pair kept whole.
 */
function partEnd(
  text: string,
  at: number,
  end: number,
  maxBytes: number,
): number {
  let bytes = 0;
  let i = at;
  while (i < end) {
    const pair =
      i + 1 < end && isHighSurrogate(text, i) && isLowSurrogate(text, i + 1);
    const size = pair ? 4 : unitBytes(text.charCodeAt(i));
    if (i > at && bytes + size > maxBytes) break;
    bytes += size;
    i += pair ? 2 : 1;
  }
  return i;
}
