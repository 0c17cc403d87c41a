import { scanEventMembers } from './scan-event-members';

/** What the scan found, as text, in `data` (read from its start). */
function members(data: string) {
  const bytes = Buffer.from(data);
  const doc = scanEventMembers(bytes, 0);
  if (!doc) return undefined;
  const text = (start: number, end: number) =>
    start === -1 ? undefined : bytes.toString('utf8', start, end);
  const ids = doc.outputIds && [...doc.outputIds];
  const outputIds: Array<[number, string | undefined]> = [];
  for (let k = 0; ids && k < ids.length; k += 3)
    outputIds.push([ids[k], text(ids[k + 1], ids[k + 2])]);
  return {
    type: text(doc.typeStart, doc.typeEnd),
    id: text(doc.idStart, doc.idEnd),
    outputIndex: doc.outputIndex,
    sequenceNumber: doc.sequenceNumber,
    hasResponse: doc.hasResponse,
    outputIds: ids && outputIds,
    close: data[doc.close],
  };
}

const DELTA = {
  type: 'response.output_text.delta',
  item_id: 'abc',
  output_index: 2,
  content_index: 0,
  delta: 'say "abc"',
  logprobs: [],
};

describe('scanEventMembers', () => {
  it('finds the members of a delta, without building them', () => {
    expect(members(JSON.stringify({ ...DELTA, sequence_number: 14 }))).toEqual({
      type: 'response.output_text.delta',
      id: '"abc"',
      outputIndex: 2,
      sequenceNumber: 14,
      hasResponse: false,
      outputIds: undefined,
      close: '}',
    });
  });

  it('finds the id of an item, item_id first', () => {
    const added = {
      type: 'x',
      output_index: 0,
      item: { type: 'message', id: 'i1', content: [{ id: 'no' }] },
    };
    expect(members(JSON.stringify(added))).toMatchObject({
      id: '"i1"',
      sequenceNumber: -1,
    });
    expect(members(JSON.stringify({ ...added, item_id: 'i2' }))).toMatchObject({
      id: '"i2"',
    });
    expect(
      members(JSON.stringify({ ...added, item: { id: 5 } })),
    ).toMatchObject({ id: undefined });
  });

  it('finds the ids of a response’s output, by index', () => {
    const completed = {
      type: 'response.completed',
      response: {
        id: 'resp',
        output: [
          { id: 'a', content: [{ id: 'no' }] },
          'x',
          { id: 3 },
          { type: 'y' },
          { id: 'e' },
        ],
      },
    };
    expect(members(JSON.stringify(completed))).toMatchObject({
      hasResponse: true,
      outputIds: [
        [0, '"a"'],
        [4, '"e"'],
      ],
    });
    expect(
      members(JSON.stringify({ type: 'x', response: { output: 'x' } })),
    ).toMatchObject({
      hasResponse: true,
      outputIds: undefined,
    });
  });

  it.each([
    ['a missing type', { ...DELTA, type: undefined }],
    ['a type that is not a string', { ...DELTA, type: 1 }],
    ['an item_id that is not a string', { ...DELTA, item_id: null }],
    ['an index that is not a plain integer', { ...DELTA, output_index: 1.5 }],
    [
      'a sequence number that is not a plain integer',
      { ...DELTA, sequence_number: -1 },
    ],
  ])('refuses %s', (_, event) => {
    expect(members(JSON.stringify(event))).toBeUndefined();
  });

  it.each([
    ['an escape in the id', '{"type":"t","item_id":"a\\/b"}'],
    ['an escape in a key', '{"type":"t","item\\u005fid":"a"}'],
    ['an escape in the type', '{"type":"t\\u0021"}'],
    ['a member read twice', '{"type":"t","item_id":"a","item_id":"b"}'],
    [
      'an output read twice',
      '{"type":"t","response":{"output":[],"output":[]}}',
    ],
    ['an item id read twice', '{"type":"t","item":{"id":"a","id":"b"}}'],
    ['a line break as spacing', '{"type":"t",\n"item_id":"a"}'],
    ['text after the object', '{"type":"t"} x'],
    ['an object cut short', '{"type":"t"'],
    ['no object', '["type"]'],
  ])('leaves %s to the parse', (_, data) => {
    expect(members(data)).toBeUndefined();
  });

  it('reads from where the data starts, spaces and tabs after it allowed', () => {
    const bytes = Buffer.from('data: {"type":"t"} \t');
    expect(scanEventMembers(bytes, 6)?.close).toBe(17);
  });
});
