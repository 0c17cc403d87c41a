import { plainRunEnd, QuoteHint } from './plain-run';
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  DOT,
  MINUS,
  NINE,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  SPACE,
  TAB,
  ZERO,
} from './json-bytes';

/** Deeper values are left to `JSON.parse`. */
const MAX_DEPTH = 64;

/**
 * A JSON checker over bytes that builds no values: each reader returns where
 * its value ends, or -1 when the text is not JSON as `JSON.parse` reads it — or
 * is, but unusually spaced (a line break or `\r` between tokens) or nested past
 * 64 levels: -1 means "parse it to know", never "it is invalid".
 */
export class JsonScan {
  /** Whether the last string read had an escape. */
  escaped = false;
  /** Where the string being read has its next quote byte (`plainRunEnd`). */
  private readonly quoteHint: QuoteHint = { quote: -1 };
  protected readonly end: number;

  constructor(protected readonly b: Uint8Array) {
    this.end = b.length;
  }

  /**
   * An object; with a `watch` (not 0), each member's value is read by
   * `member(watch, …)`, and a key with an escape is refused.
   */
  object(i: number, depth: number, watch = 0): number {
    const { b } = this;
    i = this.blank(i + 1);
    if (b[i] === CLOSE_OBJECT) return i + 1;
    for (;;) {
      if (b[i] !== QUOTE) return -1;
      const keyStart = i + 1;
      i = this.string(i);
      if (i === -1 || (watch !== 0 && this.escaped)) return -1;
      const keyEnd = i - 1;
      i = this.blank(i);
      if (b[i] !== COLON) return -1;
      const start = this.blank(i + 1);
      i =
        watch === 0
          ? this.value(start, depth + 1)
          : this.member(watch, keyStart, keyEnd, start, depth + 1);
      if (i === -1) return -1;
      i = this.blank(i);
      if (b[i] === CLOSE_OBJECT) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = this.blank(i + 1);
    }
  }

  /**
   * Reads the value at `start` of a member of an object `object` watches, its
   * key's contents being `[keyStart, keyEnd)`: where the value ends, or -1.
   */
  protected member(
    watch: number,
    keyStart: number,
    keyEnd: number,
    start: number,
    depth: number,
  ): number {
    return this.value(start, depth);
  }

  /** Reads element `index`, at `start`, of an array `array` watches: where it ends, or -1. */
  protected element(
    watch: number,
    index: number,
    start: number,
    depth: number,
  ): number {
    return this.value(start, depth);
  }

  /** Past spaces and tabs (a line break or `\r` is left to `JSON.parse`). */
  blank(i: number): number {
    while (i < this.end && (this.b[i] === SPACE || this.b[i] === TAB)) i++;
    return i;
  }

  value(i: number, depth: number): number {
    const c = this.b[i];
    if (c === QUOTE) return this.string(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth >= MAX_DEPTH) return -1;
      return c === OPEN_OBJECT ? this.object(i, depth) : this.array(i, depth);
    }
    if (c === MINUS || isDigit(c)) return this.number(i);
    for (const word of WORDS) if (this.word(i, word)) return i + word.length;
    return -1;
  }

  private string(open: number): number {
    const { b, end } = this;
    this.escaped = false;
    const hint = this.quoteHint;
    hint.quote = -1;
    for (let i = plainRunEnd(b, open + 1, end, hint); i < end;) {
      const c = b[i];
      if (c === QUOTE) return i + 1;
      if (c !== BACKSLASH) return -1; // a control character
      this.escaped = true;
      const e = b[i + 1];
      if (e === 0x75 /* u */) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k])) return -1;
        i += 6;
      } else if (ESCAPES.has(e)) i += 2;
      else return -1;
      i = plainRunEnd(b, i, end, hint);
    }
    return -1;
  }

  /** An array; with a `watch` (not 0), each element is read by `element(watch, …)`. */
  array(i: number, depth: number, watch = 0): number {
    const { b } = this;
    i = this.blank(i + 1);
    if (b[i] === CLOSE_ARRAY) return i + 1;
    for (let index = 0; ; index++) {
      i =
        watch === 0
          ? this.value(i, depth + 1)
          : this.element(watch, index, i, depth + 1);
      if (i === -1) return -1;
      i = this.blank(i);
      if (b[i] === CLOSE_ARRAY) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = this.blank(i + 1);
    }
  }

  private number(i: number): number {
    const { b } = this;
    if (b[i] === MINUS) i++;
    if (b[i] === ZERO) i++;
    else if (isDigit(b[i])) i = this.digits(i);
    else return -1;
    if (b[i] === DOT) {
      if (!isDigit(b[i + 1])) return -1;
      i = this.digits(i + 1);
    }
    if (b[i] === 0x65 || b[i] === 0x45 /* e E */) {
      i++;
      if (b[i] === 0x2b || b[i] === MINUS) i++;
      if (!isDigit(b[i])) return -1;
      i = this.digits(i);
    }
    return i;
  }

  private digits(i: number): number {
    while (i < this.end && isDigit(this.b[i])) i++;
    return i;
  }

  private word(i: number, word: Uint8Array): boolean {
    if (i + word.length > this.end) return false;
    for (let k = 0; k < word.length; k++)
      if (this.b[i + k] !== word[k]) return false;
    return true;
  }
}

const WORDS = ['true', 'false', 'null'].map((w) => Buffer.from(w));
/** What may follow a backslash, `u` aside: `" \ / b f n r t`. */
const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) =>
  isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
