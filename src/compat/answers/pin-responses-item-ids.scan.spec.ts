import { createHash } from 'node:crypto';
import { loadFixture } from '../../bridge/answers/__fixtures__/replay';
import { EventStreamTransform } from './event-stream';
import { pinResponsesItemIds } from './pin-responses-item-ids';
import { churningStream } from './__fixtures__/churning-responses';
import { randomStreams } from './__fixtures__/random-responses';
import { longId, sse } from './__fixtures__/run-stream';

/** What the client gets of `wire` cut in `size`-byte chunks, and the changes noted. */
function pinned(wire: Buffer, scan: boolean, size = Infinity) {
  let changed = 0;
  const transform = new EventStreamTransform([
    pinResponsesItemIds(() => changed++, { scan }),
  ]);
  const out: Buffer[] = [];
  const step = Math.min(size, wire.length) || 1;
  for (let at = 0; at < wire.length; at += step)
    out.push(transform.chunk(wire.subarray(at, at + step)));
  out.push(transform.end());
  return { out: Buffer.concat(out), changed };
}

/** The scan (with the parse for what it leaves) writes what the parse alone writes. */
function expectAgreement(wire: Buffer | string, sizes = [Infinity, 7]) {
  const bytes = typeof wire === 'string' ? Buffer.from(wire) : wire;
  for (const size of sizes) {
    const scanned = pinned(bytes, true, size);
    const parsed = pinned(bytes, false, size);
    expect(scanned.changed).toBe(parsed.changed);
    // Compared as text first (a readable diff), then byte for byte.
    expect(scanned.out.toString('latin1')).toBe(parsed.out.toString('latin1'));
    expect(scanned.out.equals(parsed.out)).toBe(true);
  }
}

const FIRST = longId('Fi+/');
const added = (id = FIRST) =>
  sse({
    type: 'response.output_item.added',
    output_index: 0,
    item: { id, type: 'message', status: 'in_progress', content: [] },
  });
/** A delta on output 0, its JSON text as `json` makes it from Copilot's. */
const delta = (json: (text: string) => string = (t) => t) =>
  `event: response.output_text.delta\ndata: ${json(
    JSON.stringify({
      type: 'response.output_text.delta',
      item_id: longId('Se'),
      output_index: 0,
      content_index: 0,
      delta: 'tok ',
    }),
  )}\n\n`;

describe('pinResponsesItemIds: the scan of plain events agrees with the parse', () => {
  it('on the recorded Responses streams, however the chunks fall', () => {
    const names = ['copilot-churn', 'text', 'reasoning', 'function-calls'];
    names.push('incomplete', 'failed', 'error');
    for (const name of names)
      expectAgreement(loadFixture(`responses-${name}`).bytes, [
        Infinity,
        1,
        13,
      ]);
    expectAgreement(churningStream().wire, [Infinity, 1, 97]);
  });

  it('writes, byte for byte, what the rule wrote before the scan (a digest recorded from it)', () => {
    // Recorded by running the rule as it was at ce55cbb (one JSON.parse per
    // event) over these very inputs and chunkings (not the churning fixture:
    // its ids change from call to call). Re-record only when the inputs
    // change, never to make a change of output pass.
    const OLD_DIGEST =
      'd1b2748e44dba68a883eb64c01f86dcdb1bcb68a1d825c27599bb2bbef939a0a';
    const OLD_CHANGES = 10318;
    const names = ['copilot-churn', 'text', 'reasoning', 'function-calls'];
    names.push('incomplete', 'failed', 'error');
    const inputs = [
      ...names.map((name) => loadFixture(`responses-${name}`).bytes),
      ...randomStreams(20261208, 600),
    ];
    const hash = createHash('sha256');
    let changes = 0;
    inputs.forEach((wire, i) => {
      for (const size of [Infinity, 1 + (i % 89)]) {
        const { out, changed } = pinned(wire, true, size);
        hash.update(out);
        hash.update('\0');
        changes += changed;
      }
    });
    expect(changes).toBe(OLD_CHANGES);
    expect(hash.digest('hex')).toBe(OLD_DIGEST);
  });

  it('on generated streams: churning and odd ids, escapes, odd numbering, layouts and bytes', () => {
    const streams = randomStreams(20261208, 600);
    streams.forEach((wire, i) =>
      expectAgreement(wire, [Infinity, 1 + (i % 89)]),
    );
  });

  it.each([
    [
      'an id written with an escape',
      (t: string) => t.replace('Se', 'S\\u0065'),
    ],
    [
      'an escaped key',
      (t: string) => t.replace('"item_id"', '"item\\u005fid"'),
    ],
    ['item_id twice', (t: string) => t.replace(/}$/, `,"item_id":"${FIRST}"}`)],
    [
      'the id in the delta',
      (t: string) => t.replace('tok ', `say \\"${longId('Se')}`),
    ],
    ['the pinned id in the delta', (t: string) => t.replace('tok ', FIRST)],
    [
      'a raw control character in the id',
      (t: string) => t.replace('SeSe', 'S\te'),
    ],
    [
      'a raw control character in the delta',
      (t: string) => t.replace('tok', 't\tk'),
    ],
    [
      'a backslash late in the id',
      (t: string) => t.replace('Se","output', 'S\\\\","output'),
    ],
    ['a line separator and emoji', (t: string) => t.replace('tok', '\u2028🌤️')],
    ['spaces and tabs', (t: string) => t.replace(/,"/g, ', \t"')],
    ['a line break between members', (t: string) => t.replace(/,"/, ',\n"')],
    ['a trailing space', (t: string) => `${t} `],
    [
      'an index 1.0',
      (t: string) => t.replace('"output_index":0', '"output_index":0.0'),
    ],
    [
      'a sequence number',
      (t: string) => t.replace(/}$/, ',"sequence_number":5}'),
    ],
    [
      'a late sequence number',
      (t: string) => t.replace(/}$/, ',"sequence_number":0}'),
    ],
    [
      'an odd sequence number',
      (t: string) => t.replace(/}$/, ',"sequence_number":"7"}'),
    ],
    ['no type', (t: string) => t.replace('"type"', '"kind"')],
    ['broken JSON', (t: string) => t.slice(0, -1)],
  ])('on a delta with %s', (_, json) => {
    expect(delta(json)).not.toBe(delta());
    expectAgreement(added() + delta(json) + delta());
  });

  it('on layouts other than Copilot’s and bytes that are not UTF-8', () => {
    const plain = delta();
    for (const wire of [
      plain.replace('data: ', 'data:'),
      plain.replace('event: ', 'event:'),
      plain.replace('\n', '\r\n'),
      `: ping\n${plain}`,
      plain.replace(/^event: [^\n]*\n/, ''),
      Buffer.concat([Buffer.from(plain), Buffer.from([0xff])]),
      Buffer.from(plain.replace('tok', 'to\u00e9'), 'latin1'),
    ])
      expectAgreement(Buffer.concat([Buffer.from(added()), Buffer.from(wire)]));
  });

  it('on terminal events: opened, unopened (a fast-path stream), odd outputs', () => {
    const item = (id: unknown) => ({ id, type: 'message', content: [] });
    const done = (output: unknown, extra = '') =>
      `event: response.completed\ndata: {"type":"response.completed","response":{"output":${JSON.stringify(output)}}${extra}}\n\n`;
    const cases = [
      added() + done([item(longId('Th'))]),
      done([item(longId('Th')), item(longId('Fo'))]),
      added() + done([item(longId('Th')), item(longId('Fo'))]),
      added() + done([item(7), 'x', item(longId('Th'))]),
      added() + done([]),
      added() + done('x'),
      added() + done([]).replace('"output":[]', '"id":"r"'),
      added() + done([item(longId('Th'))], ',"sequence_number":9'),
      added() +
        done([item(longId('Th'))]).replace(
          '"output":',
          '"output":"x","output":',
        ),
      added() +
        done([item(longId('Th'))]).replace(/]}}\n/, '],"output":"x"}}\n'),
      added() + done([{ id: FIRST, id2: 1 }]).replace('"id2"', '"id"'),
      added() +
        done([item(longId('Th'))]).replace(
          '{"output"',
          '{"item":{"x":1},"output"',
        ),
    ];
    for (const wire of cases) expectAgreement(wire);
  });

  it('on an item event beside a response, or an item without its id', () => {
    expectAgreement(
      added() +
        sse({
          type: 'response.output_item.done',
          response: { output: [{ id: longId('Re') }] },
          output_index: 0,
          item: { type: 'message' },
        }) +
        sse({
          type: 'response.output_item.done',
          output_index: 0,
          item: { id: 3 },
        }),
    );
  });

  it('reads a churning stream without parsing one event', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      pinned(Buffer.from(churningStream().wire), true);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
