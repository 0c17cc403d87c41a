import { Tiktoken } from 'js-tiktoken/lite';

/** What counting needs of a BPE tokenizer. */
export interface BpeEncoder {
  /** The pre-tokenizer's pattern: BPE merges bytes only within one of its matches. */
  readonly pattern: string;
  /** The number of tokens of `text`. */
  count(text: string): number;
}

let encoder: BpeEncoder | undefined;

/** Whether o200k_base is loaded (`TokenCountFallback` loads it at start). */
export const o200kLoaded = (): boolean => encoder !== undefined;

/**
 * o200k_base (a few MB), loaded once: at start, before the server listens, as
 * loading takes over a second of the event loop.
 * Special-token markers such as `<|endoftext|>` count as the plain text they
 * are: a prompt may quote them, and the default of js-tiktoken is to throw.
 */
export function o200kEncoder(): BpeEncoder {
  if (!encoder) {
    type Ranks = ConstructorParameters<typeof Tiktoken>[0];
    // Loaded lazily, hence require. The CommonJS build exports the ranks
    // themselves; the ES one as `default`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('js-tiktoken/ranks/o200k_base') as
      Ranks | { default: Ranks };
    const ranks = 'default' in loaded ? loaded.default : loaded;
    const tiktoken = new Tiktoken(ranks);
    encoder = {
      pattern: ranks.pat_str,
      count: (text) => tiktoken.encode(text, [], []).length,
    };
  }
  return encoder;
}
