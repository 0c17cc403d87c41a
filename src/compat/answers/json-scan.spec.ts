import { JsonScan } from './json-scan';

/** Where the scan says the JSON value at the start of `text` ends (-1: parse it). */
const scanned = (text: string | Buffer) =>
  new JsonScan(Buffer.from(text)).value(0, 0);

/** A small LCG: the same texts on every run. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
}

const SAMPLE = JSON.stringify({
  type: 'response.output_text.delta',
  item_id: 'Zm9v'.repeat(30),
  output_index: 0,
  delta: 'caf\u00e9 "quoted" \\ \u2028 🌤️ \u0001',
  logprobs: [{ token: 'a', logprob: -0.25, bytes: [97, 1e-7] }, {}],
  obfuscation: null,
  done: false,
  ok: true,
  n: -12.5e3,
});

describe('JsonScan', () => {
  it('reads to the end of every kind of value', () => {
    for (const text of [
      SAMPLE,
      '"a\\u00e9\\n\\/"',
      '[1, -0, 0.5, 1E+2, 2e-3, true, false, null, [], {}, [[{}]]]',
      '{ "a" :\t1 , "b" : [ ] }',
      '"' + 'x'.repeat(500) + '"',
    ])
      expect(scanned(text)).toBe(Buffer.byteLength(text));
  });

  it('reads a string with many escapes in one pass over its bytes', () => {
    // Lines of 17 letters: each escape follows a run too long to read byte by
    // byte, so a search for the closing quote after each one read the rest of
    // the string again (4 MB of such text took 10 s).
    const text = JSON.stringify({
      delta: ('a'.repeat(17) + '\n').repeat(20_000),
    });
    const bytes = Buffer.from(text);
    let searched = 0;
    const indexOf = Buffer.prototype.indexOf;
    const spy = jest
      .spyOn(Buffer.prototype, 'indexOf')
      .mockImplementation(function (this: Buffer, value, from, encoding) {
        const at = indexOf.call(this, value, from, encoding);
        const start = typeof from === 'number' ? from : 0;
        searched += (at === -1 ? this.length : at) - start;
        return at;
      });
    try {
      expect(new JsonScan(bytes).value(0, 0)).toBe(bytes.length);
    } finally {
      spy.mockRestore();
    }
    expect(searched).toBeLessThanOrEqual(2 * bytes.length);
  });

  it('accepts nothing JSON.parse refuses (every one-byte change of a sample)', () => {
    const bytes = Buffer.from(SAMPLE);
    const next = random(7);
    const replacements = [0x00, 0x09, 0x0a, 0x20, 0x22, 0x2c, 0x2e, 0x30];
    replacements.push(0x3a, 0x5c, 0x5d, 0x65, 0x75, 0x7d, 0x80, 0xff);
    for (let at = 0; at < bytes.length; at++) {
      const changed = Buffer.from(bytes);
      changed[at] = replacements[next(replacements.length)];
      const dropped = Buffer.concat([
        bytes.subarray(0, at),
        bytes.subarray(at + 1),
      ]);
      for (const text of [changed, dropped]) {
        if (scanned(text) !== text.length) continue;
        expect(() => JSON.parse(text.toString('utf8'))).not.toThrow();
      }
    }
  });

  it.each([
    ['a raw control character in a string', '"a\tb"'],
    ['a bad escape', '"a\\x"'],
    ['a short \\u escape', '"\\u12"'],
    ['a leading zero', '01'],
    ['a bare dot', '1.'],
    ['a plus sign', '+1'],
    ['a trailing comma', '[1,]'],
    ['a missing colon', '{"a" 1}'],
    ['an unclosed string', '"abc'],
    ['a word cut short', 'tru'],
    ['a line break between tokens (valid, left to the parse)', '[1,\n2]'],
    [
      'nesting past 64 levels (valid, left to the parse)',
      '['.repeat(70) + ']'.repeat(70),
    ],
  ])('leaves %s to the parse', (_, text) => {
    const end = scanned(text);
    expect(end === -1 || end < text.length).toBe(true);
  });
});
