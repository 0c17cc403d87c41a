import {
  COUNT_LIMITS,
  countWithinBudget,
  CountLimits,
  pieceCost,
  SCAN_WINDOW,
} from './budgeted-count';
import { drawn, halves, o200k, PROSE, spy } from './__fixtures__/encoders';

/** The longest piece, in UTF-8 bytes, o200k_base's pre-tokenizer finds in any of `texts`. */
function longestPiece(texts: readonly string[]): number {
  const pieces = new RegExp(o200k.pattern, 'gu');
  let longest = 0;
  for (const text of texts)
    for (const match of text.matchAll(pieces))
      longest = Math.max(longest, Buffer.byteLength(match[0]));
  return longest;
}

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const MiB = 1024 * 1024;
const unlimited: CountLimits = { ...COUNT_LIMITS, budget: Infinity };

describe('countWithinBudget', () => {
  describe('pieces', () => {
    it('hands ordinary text to the encoder whole, so its count is exact', () => {
      const { encoder, seen } = spy();
      expect(countWithinBudget([PROSE], encoder)).toBe(o200k.count(PROSE));
      expect(seen).toEqual([PROSE]);
    });

    it('counts each text on its own and skips empty ones', () => {
      const { encoder, seen } = spy();
      const count = countWithinBudget(['Hello', '', ' world'], encoder);
      expect(seen).toEqual(['Hello', ' world']);
      expect(count).toBe(o200k.count('Hello') + o200k.count(' world'));
    });

    it('cuts a long piece every maxPiece code units, joining the text before it to its first part', () => {
      const { encoder, seen } = spy();
      countWithinBudget([`Hi ${'a'.repeat(14)} there`], encoder, {
        maxPiece: 6,
        budget: Infinity,
      });
      // The pieces: "Hi", " aaaaaaaaaaaaaa" (15 units), " there".
      expect(seen).toEqual(['Hi aaaaa', 'aaaaaa', 'aaa', ' there']);
    });

    it('cuts a long piece into parts of at most maxPiece UTF-8 bytes, whole code points', () => {
      const { encoder, seen } = spy();
      countWithinBudget(['中文字符串很长', 'aé中文字符'], encoder, {
        maxPiece: 7,
        budget: Infinity,
      });
      // A CJK character is 3 bytes, é 2.
      expect(seen).toEqual([
        '中文',
        '字符',
        '串很',
        '长',
        'aé中',
        '文字',
        '符',
      ]);
    });

    it('prices a lone surrogate as the 3 bytes of U+FFFD the encoder sees', () => {
      const { encoder, seen } = spy();
      countWithinBudget(['\ud800'.repeat(300)], encoder, {
        maxPiece: 64,
        budget: Infinity,
      });
      expect(seen.join('')).toBe('\ud800'.repeat(300));
      for (const part of seen)
        expect(Buffer.byteLength(part)).toBeLessThanOrEqual(64);
    });

    it('never cuts a surrogate pair in two', () => {
      const { encoder, seen } = spy();
      countWithinBudget(['😀😀😀'], encoder, { maxPiece: 3, budget: Infinity });
      expect(seen).toEqual(['😀', '😀', '😀']);
    });

    it.each([
      ['10 KB of a', 'a'.repeat(10_000)],
      ['50 KB of a', 'a'.repeat(50_000)],
      ['capitals then lower case', 'A'.repeat(5_000) + 'b'.repeat(5_000)],
      ['10,000 CJK characters', drawn(10_000, 0x4e00, 0x9fff)],
      ['kana', drawn(10_000, 0x3041, 0x3096)],
      ['Thai', drawn(10_000, 0x0e01, 0x0e3a)],
      ['a letter and 5,000 combining marks', 'e' + drawn(5_000, 0x300, 0x36f)],
      ['100 KB of digits', '7'.repeat(100_000)],
      ['emoji', '😀🎉👍🏽'.repeat(2_500)],
      ['symbols', '=-'.repeat(10_000)],
      ['slashes and newlines', '!' + '/\n'.repeat(10_000)],
      ['spaces', ' '.repeat(20_000)],
      ['mixed white space', ' \t\u3000\u00a0'.repeat(5_000) + 'x'],
      [
        'scripts run together',
        'Straßeнаïveमस्तेสวัสดี안녕こんにちは你好'.repeat(500),
      ],
    ])('never hands the encoder a piece over the bound: %s', (_name, text) => {
      const { encoder, seen } = spy();
      const count = countWithinBudget([text], encoder);
      expect(longestPiece(seen)).toBeLessThanOrEqual(COUNT_LIMITS.maxPiece);
      expect(seen.some((part) => LONE_SURROGATE.test(part))).toBe(false);
      // In order, from the start, nothing left out but what the budget left.
      expect(text.startsWith(seen.join(''))).toBe(true);
      expect(count).toBeGreaterThan(0);
    });

    it.each([0, 1, 2, 3, 5, 8, 13])(
      'finds the pieces of a text longer than its scan window as one pass would (offset %p)',
      (offset) => {
        // Contractions, digit groups, runs of spaces and line breaks, CJK and
        // emoji, so that some piece straddles where a scan window ends.
        const mix =
          "We're sure they'll ship it's fine;  12345 items\n\n  \tindent  42\r\n" +
          '代理服务器会先检查请求头，😀👍🏽 ' +
          '-'.repeat(40) +
          '\n';
        const text = 'x'.repeat(offset) + mix.repeat(400);
        expect(text.length).toBeGreaterThan(40_000);
        expect(countWithinBudget([text], o200k, unlimited)).toBe(
          o200k.count(text),
        );
      },
    );

    it.each([10, 50, 5_000])(
      'keeps to the bound where a run goes on past a scan window (%p units before its end)',
      (before) => {
        const { encoder, seen } = spy();
        const words = 'x '.repeat((SCAN_WINDOW - before) / 2);
        const text = `${words}${'a'.repeat(40_000)} ${PROSE}`;
        countWithinBudget([text], encoder, { maxPiece: 100, budget: Infinity });
        expect(longestPiece(seen)).toBeLessThanOrEqual(100);
        expect(seen.join('')).toBe(text);
      },
    );

    it.each([
      ['letters with combining marks', 'a\u0301'.repeat(3_000_000)],
      ['CJK', '中'.repeat(6_000_000)],
    ])(
      'counts a run of millions of code units without overflowing the regular expression stack: %s',
      (_name, run) => {
        const { encoder, seen } = spy();
        expect(countWithinBudget([run], encoder)).toBeGreaterThan(0);
        expect(longestPiece(seen)).toBeLessThanOrEqual(COUNT_LIMITS.maxPiece);
      },
    );

    it('counts a run of letters as o200k_base does', () => {
      // Runs of a's are tokens of 8, so cutting every 256 changes nothing.
      const thousand = o200k.count('a'.repeat(1_000));
      expect(countWithinBudget(['a'.repeat(10_000)], o200k)).toBe(
        10 * thousand,
      );
    });
  });

  describe('budget', () => {
    it('stops at the piece that finds the budget spent and estimates the rest at the tokens per byte counted', () => {
      const { encoder, seen } = spy(halves);
      const budget = pieceCost(4) + pieceCost(5); // "aaaa", " bbbb"
      const count = countWithinBudget(
        ['aaaa bbbb cccc dddd', 'eeee ffff'],
        encoder,
        { maxPiece: 64, budget },
      );
      expect(seen).toEqual(['aaaa bbbb']);
      // 5 tokens in 9 bytes; 10 + 9 bytes left.
      expect(count).toBe(5 + Math.round((19 * 5) / 9));
      expect(count).toBe(16);
    });

    it('counts everything exactly when it fits', () => {
      const { encoder, seen } = spy(halves);
      const texts = ['aaaa bbbb cccc dddd', 'eeee ffff'];
      expect(countWithinBudget(texts, encoder, unlimited)).toBe(10 + 5);
      expect(seen).toEqual(texts);
    });

    it('estimates by bytes, not characters', () => {
      const { encoder, seen } = spy(halves);
      const count = countWithinBudget(['ab', 'é'.repeat(10)], encoder, {
        maxPiece: 64,
        budget: 1,
      });
      expect(seen).toEqual(['ab']);
      // 1 token in 2 bytes; 20 bytes left.
      expect(count).toBe(1 + 10);
    });

    it('stops inside a long run and estimates the rest of it', () => {
      const { encoder, seen } = spy();
      const run = 'a'.repeat(32 * MiB);
      const count = countWithinBudget([run], encoder);
      const handed = seen.join('').length;
      // What the budget buys: parts of maxPiece bytes, each at its cost.
      const { maxPiece, budget } = COUNT_LIMITS;
      expect(handed).toBeLessThanOrEqual(
        maxPiece * Math.ceil(budget / pieceCost(maxPiece)),
      );
      expect(handed).toBeGreaterThan(0);
      expect(count).toBe(run.length / 8);
    });

    it('counts a 32 MiB body of prose within the budget and within 1% of its tokens', () => {
      const { encoder, seen } = spy();
      const times = Math.floor((32 * MiB) / PROSE.length);
      // The paragraph ends in a line break, so repeating it repeats its tokens.
      expect(o200k.count(PROSE.repeat(3))).toBe(3 * o200k.count(PROSE));
      const exact = times * o200k.count(PROSE);
      const count = countWithinBudget([PROSE.repeat(times)], encoder);
      expect(seen.join('').length).toBeLessThan(MiB);
      expect(Math.abs(count / exact - 1)).toBeLessThan(0.01);
      expect(Number.isInteger(count)).toBe(true);
    });

    it('counts a million short texts within the budget', () => {
      const { encoder, seen } = spy();
      const texts: string[] = Array(1_000_000).fill('hello world');
      const count = countWithinBudget(texts, encoder);
      expect(seen.length).toBeLessThan(100_000);
      expect(count).toBe(texts.length * o200k.count('hello world'));
    });
  });
});
