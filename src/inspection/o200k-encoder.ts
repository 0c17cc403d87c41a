import { Tiktoken } from 'js-tiktoken/lite';

/** What counting needs of a BPE tokenizer. */
export interface BpeEncoder {
  /** The pre-tokenizer's pattern: BPE merges bytes only within one of its matches. */
  readonly pattern: string;
  /** The number of tokens of `text`. */
  count(text: string): number;
}

type Ranks = ConstructorParameters<typeof Tiktoken>[0];

let encoder: BpeEncoder | undefined;

/** Whether o200k_base is loaded (`TokenCountFallback` loads it at start). */
export const o200kLoaded = (): boolean => encoder !== undefined;

/**
 * o200k_base (a few MB), loaded once: at start, before the server listens (by
 * the first count it held the event loop for seconds while every other
 * request waited). Special-token markers such as `<|endoftext|>` count as the
 * plain text they are: a prompt may quote them, and the default of js-tiktoken
 * is to throw.
 */
export function o200kEncoder(): BpeEncoder {
  if (!encoder) {
    const ranks = o200kRanks();
    const tiktoken = fastTiktoken(ranks) ?? new Tiktoken(ranks);
    encoder = {
      pattern: ranks.pat_str,
      count: (text) => tiktoken.encode(text, [], []).length,
    };
  }
  return encoder;
}

export function o200kRanks(): Ranks {
  // Loaded lazily, hence require. The CommonJS build exports the ranks
  // themselves; the ES one as `default`.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require('js-tiktoken/ranks/o200k_base') as
    Ranks | { default: Ranks };
  return 'default' in loaded ? loaded.default : loaded;
}

/** Known counts the fast build must give, else the library's own is used. */
const CHECKS: ReadonlyArray<[string, number]> = [
  ['hello world', 2],
  [' tokenizer', 1],
];

/**
 * js-tiktoken builds its tables in seconds (an object of 200,000 keys, base64
 * decoded in JavaScript, and a decode table counting never needs); its
 * encoder reads only the byte-sequence → rank map, which this fills in a
 * fraction of that time with the same keys. Checked against known counts:
 * undefined (use the library's constructor) should its internals differ.
 */
export function fastTiktoken(ranks: Ranks): Tiktoken | undefined {
  const tiktoken = new Tiktoken({ ...ranks, bpe_ranks: '' });
  const internals = tiktoken as unknown as { rankMap?: unknown };
  if (!(internals.rankMap instanceof Map)) return undefined;
  const rankMap = new Map<string, number>();
  for (const line of ranks.bpe_ranks.split('\n')) {
    if (!line) continue;
    const fields = line.split(' ');
    const offset = Number.parseInt(fields[1], 10);
    for (let i = 2; i < fields.length; i++)
      rankMap.set(Buffer.from(fields[i], 'base64').join(','), offset + i - 2);
  }
  internals.rankMap = rankMap;
  try {
    for (const [text, tokens] of CHECKS)
      if (tiktoken.encode(text, [], []).length !== tokens) return undefined;
  } catch {
    return undefined;
  }
  return tiktoken;
}
