import { MAX_EVENT_BYTES } from '../../http/sse';
import { EventStreamTransform, type EventFilter } from './event-stream';
import { runStream } from './__fixtures__/run-stream';

const WIRE =
  'event: a\ndata: {"n":1}\n\n' +
  ': a comment\n\n' +
  'event: b\ndata: {"n":2,"t":"é 🌤️"}\n\n' +
  'data: [DONE]\n\n';

describe('EventStreamTransform', () => {
  it('passes events no filter touches as their bytes, however the chunks fall', () => {
    for (const size of [1, 3, 7, WIRE.length]) {
      expect(
        runStream(
          new EventStreamTransform([{ event: () => undefined }]),
          WIRE,
          size,
        ),
      ).toBe(WIRE);
    }
  });

  it('writes each event as soon as it is complete (never held past its end)', () => {
    const transform = new EventStreamTransform([{ event: () => undefined }]);
    expect(transform.chunk(Buffer.from('event: a\ndata: {"n"'))).toHaveLength(
      0,
    );
    expect(transform.chunk(Buffer.from(':1}\n\nevent: b')).toString()).toBe(
      'event: a\ndata: {"n":1}\n\n',
    );
  });

  it('drops, replaces and adds events, each filter reading what the one before wrote', () => {
    const seen: string[] = [];
    const first: EventFilter = {
      event: (e) =>
        e.name === 'a'
          ? [{ name: 'x', data: '{"replaced":true}' }, e]
          : e.data === '[DONE]'
            ? []
            : undefined,
      end: () => [{ name: 'last', data: '{}' }],
    };
    const second: EventFilter = {
      event: (e) => {
        seen.push(e.name ?? e.data);
        return undefined;
      },
    };
    const out = runStream(new EventStreamTransform([first, second]), WIRE, 5);
    expect(out).toBe(
      'event: x\ndata: {"replaced":true}\n\n' +
        'event: a\ndata: {"n":1}\n\n' +
        ': a comment\n\n' +
        'event: b\ndata: {"n":2,"t":"é 🌤️"}\n\n' +
        'event: last\ndata: {}\n\n',
    );
    expect(seen).toEqual(['x', 'a', '', 'b', 'last']);
  });

  it('writes an event no filter touches as the very bytes that came, blank line included', () => {
    const transform = new EventStreamTransform([{ event: () => undefined }]);
    const chunk = Buffer.from('event: a\ndata: {"n":1}\n\n');
    const out = transform.chunk(chunk);
    expect(out.toString()).toBe(chunk.toString());
    // The same memory, not a copy (small buffers share one pool: the offset too).
    expect(out.buffer).toBe(chunk.buffer);
    expect(out.byteOffset).toBe(chunk.byteOffset);
  });

  it('cuts a chunk ending in a third line end as the splitter does', () => {
    const wire = 'data: {"n":1}\n\n\ndata: {"n":2}\n\n';
    const seen: string[] = [];
    const spy: EventFilter = {
      event: (e) => {
        seen.push(e.data);
        return undefined;
      },
    };
    const cut = wire.indexOf('\n\n\n') + 3;
    const transform = new EventStreamTransform([spy]);
    const out = [wire.slice(0, cut), wire.slice(cut)]
      .map((part) => transform.chunk(Buffer.from(part)).toString())
      .join('');
    expect(out + transform.end().toString()).toBe(
      runStream(
        new EventStreamTransform([{ event: () => undefined }]),
        wire,
        1,
      ),
    );
    expect(seen).toEqual(['{"n":1}', '{"n":2}']);
  });

  it('reads events with CRLF line ends and one left open at the end', () => {
    const wire = 'event: a\r\ndata: {"n":1}\r\n\r\ndata: {"n":2}';
    const names: Array<string | undefined> = [];
    runStream(
      new EventStreamTransform([
        {
          event: (e) => {
            names.push(e.name ?? e.data);
            return undefined;
          },
        },
      ]),
      wire,
      2,
    );
    expect(names).toEqual(['a', '{"n":2}']);
  });
});

describe('EventStreamTransform past the size of an event it can hold', () => {
  it('passes the rest of the stream as it comes, never dropping the large event', () => {
    const dropAll = new EventStreamTransform([{ event: () => [] }]);
    const big = `data: ${'x'.repeat(2 * MAX_EVENT_BYTES)}`;
    const wire = `data: {"small":1}\n\n${big}\n\ndata: {"after":1}\n\n`;
    // The first event is filtered (dropped); from the large one on, all passes.
    const out = runStream(dropAll, wire, 64 * 1024);
    // Compared by length and ends: a failure must not print megabytes.
    const expected = wire.slice('data: {"small":1}\n\n'.length);
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
  });
});
