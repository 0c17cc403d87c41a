import { holds, plainData, splice } from './event-bytes';

describe('plainData', () => {
  it('finds the JSON of an event written as Copilot writes them', () => {
    expect(plainData(Buffer.from('event: a.b\ndata: {"x":1}'))).toBe(17);
    expect(plainData(Buffer.from('data: {"x":1}'))).toBe(6);
  });

  it.each([
    ['data without its space', 'data:{"x":1}'],
    ['a name without its space', 'event:a\ndata: {"x":1}'],
    ['a comment first', ': c\ndata: {"x":1}'],
    ['a \\r in the name line', 'event: a\r\ndata: {"x":1}'],
    ['data that is not an object', 'data: [DONE]'],
    ['no data', 'event: a'],
  ])('refuses %s', (_, text) => {
    expect(plainData(Buffer.from(text))).toBe(-1);
  });
});

describe('holds', () => {
  it('compares a span with bytes, long or short', () => {
    const id = Buffer.from(`"${'Zm9v'.repeat(102)}"`);
    const raw = Buffer.from(`{"item_id":${id.toString()}}`);
    expect(holds(raw, 11, 11 + id.length, id)).toBe(true);
    const other = Buffer.from(id);
    other[300] = 0x41;
    expect(holds(raw, 11, 11 + id.length, other)).toBe(false);
    expect(holds(raw, 11, 10 + id.length, id)).toBe(false);
    expect(holds(raw, 2, 9, Buffer.from('item_id'))).toBe(true);
  });
});

describe('splice', () => {
  it('replaces spans and adds a member before the closing brace, ending the event', () => {
    const raw = Buffer.from('data: {"a":"xx","b":"yy","c":1}');
    const out = splice(
      raw,
      [
        { start: 11, end: 15, value: Buffer.from('"é"') },
        { start: 20, end: 24, value: Buffer.from('"zzzz"') },
      ],
      raw.length - 1,
      ',"n":2',
    );
    expect(out.toString()).toBe('data: {"a":"é","b":"zzzz","c":1,"n":2}\n\n');
    expect(splice(raw, [], raw.length - 1, '').toString()).toBe(
      `${raw.toString()}\n\n`,
    );
  });
});
