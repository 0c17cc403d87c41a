import { plainRunEnd } from './plain-run';

/** The byte-by-byte reading `plainRunEnd` must match. */
function reference(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] >= 0x20 && b[i] !== 0x22 && b[i] !== 0x5c) i++;
  return i;
}

describe('plainRunEnd', () => {
  it('stops at a quote, a backslash or a control character, wherever it lies and however the bytes are aligned', () => {
    const base64 = Buffer.from(
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODkrLz0=',
    );
    const stops = [0x00, 0x09, 0x0a, 0x1f, 0x22, 0x5c];
    const others = [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xc3, 0xff];
    const pool = Buffer.alloc(1024);
    for (let offset = 0; offset < 4; offset++)
      for (let length = 0; length < 80; length += 3)
        for (let at = -1; at < length; at += 5)
          for (const stop of [...stops, ...others]) {
            const b = pool.subarray(offset, offset + length);
            for (let k = 0; k < length; k++) b[k] = base64[k % base64.length];
            if (at >= 0) b[at] = stop;
            for (const from of [0, 1, 17])
              if (from <= length)
                expect([
                  length,
                  at,
                  stop,
                  from,
                  plainRunEnd(b, from, length),
                ]).toEqual([
                  length,
                  at,
                  stop,
                  from,
                  reference(b, from, length),
                ]);
          }
  });

  it('reads a long run (an id) to its closing quote', () => {
    const id = 'Zm9v'.repeat(102);
    const b = Buffer.from(`"${id}","x":1`);
    expect(plainRunEnd(b, 1, b.length)).toBe(1 + id.length);
    expect(plainRunEnd(b, 1, 100)).toBe(100);
  });
});
