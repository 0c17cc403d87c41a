import { Tiktoken } from 'js-tiktoken/lite';

/** What counting needs of a BPE tokenizer. */
export interface BpeEncoder {
  /** The pre-tokenizer's pattern: BPE merges bytes only within one of its matches. */
  readonly pattern: string;
  /** The number of tokens of `text`. */
  count(text: string): number;
}

let encoder: BpeEncoder | undefined;

/**
 * o200k_base, loaded on first use (a few MB): most proxies never need it.
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
