import { Tiktoken } from 'js-tiktoken/lite';
import { fastTiktoken, o200kEncoder, o200kRanks } from './o200k-encoder';

describe('o200kEncoder: its tables built fast', () => {
  it('counts as js-tiktoken built its own way does', () => {
    const ranks = o200kRanks();
    const library = new Tiktoken(ranks);
    const fast = fastTiktoken(ranks);
    expect(fast).toBeDefined();
    const texts = [
      'The proxy reads the request body once, and counts its tokens itself.',
      '漢字とかなの文章、句読点つき。',
      'a'.repeat(300),
      '😀😀 emoji, 👍🏽 and a ZWJ 👩‍👩‍👧',
      'const x = await fetch(`https://api.example/v1?q=${q}`);\n\t}',
      '<|endoftext|> quoted as text',
    ];
    for (const text of texts)
      expect(fast!.encode(text, [], []).length).toBe(
        library.encode(text, [], []).length,
      );
    expect(o200kEncoder().count(texts[0])).toBe(
      library.encode(texts[0], [], []).length,
    );
  });
});
