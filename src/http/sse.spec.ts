import {
  EventSplitter,
  formatEvent,
  parseEvent,
  SseParser,
  wholeEvents,
} from './sse';

const text = (events: Buffer[]) => events.map((e) => e.toString('utf8'));

describe('EventSplitter', () => {
  it('cuts at blank lines with \\n line ends, keeping an unfinished event', () => {
    const splitter = new EventSplitter();
    expect(
      text(splitter.push(Buffer.from('data: 1\n\ndata: 2\n\nda'))),
    ).toEqual(['data: 1', 'data: 2']);
    expect(text(splitter.push(Buffer.from('ta: 3\n\n')))).toEqual(['data: 3']);
  });

  it('cuts at \\r\\n\\r\\n and \\r\\r, also when the pair is split across chunks', () => {
    const splitter = new EventSplitter();
    expect(
      text(splitter.push(Buffer.from('data: 1\r\n\r\ndata: 2\r'))),
    ).toEqual(['data: 1']);
    expect(
      text(splitter.push(Buffer.from('\n\r\nevent: x\rdata: 3\r\r'))),
    ).toEqual(['data: 2', 'event: x\rdata: 3']);
  });

  it('keeps a UTF-8 character split across chunks whole', () => {
    const bytes = Buffer.from('data: {"t":"héllo €"}\n\n');
    const splitter = new EventSplitter();
    const cut = bytes.indexOf(0xe2) + 1; // inside the euro sign
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(text(splitter.push(bytes.subarray(cut)))).toEqual([
      'data: {"t":"héllo €"}',
    ]);
  });

  it('hands over an event the stream ended without a blank line', () => {
    const splitter = new EventSplitter();
    splitter.push(Buffer.from('data: 1\n\ndata: last\n'));
    expect(splitter.end()?.toString()).toBe('data: last');
    expect(splitter.end()).toBeUndefined();
  });
});

describe('parseEvent', () => {
  it('reads event and data fields, joins data lines, skips comments', () => {
    expect(
      parseEvent(
        Buffer.from(': ping\nevent: message_start\ndata: {"a":\ndata:1}'),
      ),
    ).toEqual({ event: 'message_start', data: '{"a":\n1}' });
  });

  it('is undefined for an event without data', () => {
    expect(parseEvent(Buffer.from(': keep-alive'))).toBeUndefined();
  });
});

describe('SseParser', () => {
  it('parses events across chunks and at the end', () => {
    const parser = new SseParser();
    expect(parser.push(Buffer.from('event: a\ndata: 1\n\nevent: b\n'))).toEqual(
      [{ event: 'a', data: '1' }],
    );
    expect(parser.push(Buffer.from('data: 2'))).toEqual([]);
    expect(parser.end()).toEqual([{ event: 'b', data: '2' }]);
  });
});

describe('formatEvent', () => {
  it('frames named and unnamed events, one data line per line', () => {
    expect(formatEvent('ping', 'x')).toBe('event: ping\ndata: x\n\n');
    expect(formatEvent(undefined, 'a\nb')).toBe('data: a\ndata: b\n\n');
  });
});

describe('wholeEvents', () => {
  it.each([
    ['data: a\n\n', true],
    ['data: a\n\ndata: b\n\n', true],
    ['data: a\n\ndata: b\n', false],
    ['data: a', false],
    ['data: a\r\n\r\n', false],
    ['data: a\r\n\n\n', false],
    ['\n', false],
  ])('%j: %s', (text, expected) => {
    expect(wholeEvents(Buffer.from(text))).toBe(expected);
  });
});

describe('EventSplitter.idle', () => {
  it('is true with nothing carried, false while an event or a \\r is pending', () => {
    const splitter = new EventSplitter();
    expect(splitter.idle).toBe(true);
    splitter.push(Buffer.from('data: a\n\ndata: b'));
    expect(splitter.idle).toBe(false);
    splitter.push(Buffer.from('\n\n'));
    expect(splitter.idle).toBe(true);
    splitter.push(Buffer.from('data: c\r'));
    expect(splitter.idle).toBe(false);
  });
});
