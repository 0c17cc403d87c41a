import type { BridgeNotes } from '../ir';
import { noteIgnored, noteUnhandledKeys } from './notes';

describe('noteIgnored', () => {
  it('lists a name once, in the order first seen', () => {
    const notes: BridgeNotes = { ignored: [] };
    noteIgnored(notes, 'cache_control');
    noteIgnored(notes, 'metadata');
    noteIgnored(notes, 'cache_control');
    expect(notes.ignored).toEqual(['cache_control', 'metadata']);
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
