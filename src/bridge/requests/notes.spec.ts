import type { BridgeNotes } from '../ir';
import {
  describeIgnored,
  headerSafe,
  ignoredPastList,
  MAX_IGNORED_HEADER_CHARS,
  noteIgnored,
  noteUnhandledKeys,
} from './notes';

describe('noteIgnored', () => {
  it('lists a name once, in the order first seen', () => {
    const notes: BridgeNotes = { ignored: [] };
    noteIgnored(notes, 'cache_control');
    noteIgnored(notes, 'metadata');
    noteIgnored(notes, 'cache_control');
    expect(notes.ignored).toEqual(['cache_control', 'metadata']);
  });

  it('lists 20 names and counts the other distinct ones, each once', () => {
    const notes: BridgeNotes = { ignored: [] };
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 100_000; i++) noteIgnored(notes, `k${i}`);
    expect(notes.ignored).toEqual(
      Array.from({ length: 20 }, (_, i) => `k${i}`),
    );
    expect(ignoredPastList(notes)).toBe(99_980);
  });

  it('looks a name up once, not in a list per name (linear in the names)', () => {
    const notes: BridgeNotes = { ignored: [] };
    const includes = jest.spyOn(notes.ignored, 'includes');
    for (let i = 0; i < 1000; i++) noteIgnored(notes, `k${i}`);
    expect(includes).not.toHaveBeenCalled();
  });
});

describe('describeIgnored', () => {
  it('writes each name in printable ASCII, cut at 64 characters', () => {
    expect(headerSafe('tools.web_search')).toBe('tools.web_search');
    expect(headerSafe('\u0100 a,b%\r\n\u0000')).toBe(
      '%C4%80%20a%2Cb%25%0D%0A%00',
    );
    expect(headerSafe('\ud800')).toBe('%EF%BF%BD');
    const long = headerSafe('x'.repeat(1_000_000));
    expect(long).toBe(`${'x'.repeat(64)}...`);
    expect(headerSafe('\u0100'.repeat(100))).toMatch(/^(%C4%80){10}\.\.\.$/);
  });

  it('names what fits in 512 characters, then how many more', () => {
    const notes: BridgeNotes = { ignored: [] };
    for (let i = 0; i < 30; i++) noteIgnored(notes, `${'y'.repeat(60)}${i}`);
    const said = describeIgnored(notes);
    expect(said.join(', ').length).toBeLessThanOrEqual(
      MAX_IGNORED_HEADER_CHARS,
    );
    expect(said.at(-1)).toBe(`+${30 - (said.length - 1)} more`);
    expect(said.length - 1).toBeGreaterThan(5);
    for (const name of said) expect(name).toMatch(/^[\x21-\x7e ]+$/);
  });

  it('says nothing when nothing was ignored', () => {
    expect(describeIgnored({ ignored: [] })).toEqual([]);
  });
});

describe('noteUnhandledKeys', () => {
  it('names the set keys that are not handled, with the prefix', () => {
    const notes: BridgeNotes = { ignored: [] };
    noteUnhandledKeys(
      { a: 1, b: 2, c: null, d: undefined, e: 0 },
      ['a'],
      notes,
      'tools[]',
    );
    expect(notes.ignored).toEqual(['tools[].b', 'tools[].e']);
  });

  it('uses the bare key without a prefix', () => {
    const notes: BridgeNotes = { ignored: [] };
    noteUnhandledKeys({ store: false }, [], notes);
    expect(notes.ignored).toEqual(['store']);
  });
});
