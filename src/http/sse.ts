/** One server-sent event as read off the wire. */
export interface SseEvent {
  /** The `event:` field, when there was one. */
  event?: string;
  /** The `data:` lines joined by `\n`. */
  data: string;
}

const LF = 0x0a;
const CR = 0x0d;

/** An event longer than this while still arriving is dropped (a stream that never ends one). */
export const MAX_EVENT_BYTES = 1024 * 1024;

/**
 * Cuts a byte stream into server-sent events at blank lines, whatever the line
 * ends (`\n`, `\r\n`, `\r`, as the SSE grammar allows), without decoding
 * anything: each event comes out as its bytes, so a UTF-8 character split across
 * chunks is whole again. The common case (`\n` only) takes the native `indexOf`
 * path; only chunks with a `\r` are walked byte by byte.
 */
/**
 * Whether `chunk` is whole events and nothing more (no `\r`, ending in a blank
 * line): what an event stream's chunks nearly always are. Such a chunk, when the
 * splitter is `idle`, holds the same events `push` would cut out of it.
 */
export function wholeEvents(chunk: Buffer): boolean {
  const n = chunk.length;
  return (
    n >= 2 &&
    chunk[n - 1] === LF &&
    chunk[n - 2] === LF &&
    chunk.indexOf(CR) === -1
  );
}

export class EventSplitter {
  private carry: Buffer | undefined;
  /** The carry ends in the middle of a line end (`\r` or `\r\n` or `\n`). */
  private sawCr = false;

  /**
   * Nothing carried from the chunks before: a chunk of whole `\n`-ended events
   * (see `wholeEvents`) can then be read as it is, without `push`.
   */
  get idle(): boolean {
    return this.carry === undefined && !this.sawCr;
  }

  /** Complete events in `chunk` (with what came before); event bytes exclude the blank line. */
  push(chunk: Buffer): Buffer[] {
    const buffer = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const events: Buffer[] = [];
    let start = 0;
    if (!this.sawCr && buffer.indexOf(CR) === -1) {
      let end: number;
      while ((end = buffer.indexOf('\n\n', start)) !== -1) {
        if (end > start) events.push(buffer.subarray(start, end));
        start = end + 2;
      }
    } else {
      start = this.walk(buffer, events);
    }
    const rest = buffer.subarray(start);
    this.sawCr = rest.length > 0 && rest[rest.length - 1] === CR;
    this.carry =
      rest.length > 0 && rest.length <= MAX_EVENT_BYTES
        ? Buffer.from(rest)
        : undefined;
    return events;
  }

  /** Bytes held of an event still arriving. */
  get pendingBytes(): number {
    return this.carry?.length ?? 0;
  }

  /** The bytes held of an event still arriving, as they came; the splitter starts afresh. */
  drain(): Buffer | undefined {
    const rest = this.carry;
    this.carry = undefined;
    this.sawCr = false;
    return rest;
  }

  /** What is left when the stream ends: an event not closed by a blank line. */
  end(): Buffer | undefined {
    const rest = this.carry;
    this.carry = undefined;
    if (!rest) return undefined;
    const trimmed = trimLineEnds(rest);
    return trimmed.length > 0 ? trimmed : undefined;
  }

  /** Walks bytes, treating `\r\n`, `\r` and `\n` as line ends; returns the carry start. */
  private walk(buffer: Buffer, events: Buffer[]): number {
    let start = 0;
    let lineStart = 0;
    let i = 0;
    while (i < buffer.length) {
      const byte = buffer[i];
      if (byte !== LF && byte !== CR) {
        i++;
        continue;
      }
      // A `\r` ending the chunk ends its line; an `\n` that follows in the next
      // chunk then reads as an empty line, which ends no event.
      const next = byte === CR && buffer[i + 1] === LF ? i + 2 : i + 1;
      if (i === lineStart) {
        // A blank line: the event (if any) ends here.
        if (lineStart > start)
          events.push(trimLineEnds(buffer.subarray(start, lineStart)));
        start = next;
      }
      lineStart = next;
      i = next;
    }
    return start;
  }
}

function trimLineEnds(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === LF || bytes[end - 1] === CR)) end--;
  return bytes.subarray(0, end);
}

/** The fields of one event's bytes (`event:`, `data:` lines; comments skipped). */
export function parseEvent(bytes: Buffer): SseEvent | undefined {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of bytes.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event = value;
    else if (name === 'data')
      data = data === undefined ? value : `${data}\n${value}`;
  }
  if (data === undefined) return undefined;
  return event === undefined ? { data } : { event, data };
}

/** Server-sent events parsed from a byte stream, as they complete. */
export class SseParser {
  private readonly splitter = new EventSplitter();

  push(chunk: Buffer): SseEvent[] {
    return parsed(this.splitter.push(chunk));
  }

  end(): SseEvent[] {
    const rest = this.splitter.end();
    return rest ? parsed([rest]) : [];
  }
}

function parsed(raw: Buffer[]): SseEvent[] {
  const events: SseEvent[] = [];
  for (const bytes of raw) {
    const event = parseEvent(bytes);
    if (event) events.push(event);
  }
  return events;
}

/** One event as written on the wire: `event: <name>\n` (if named), `data: <data>\n\n`. */
export function formatEvent(event: string | undefined, data: string): string {
  const lines = data
    .split('\n')
    .map((line) => `data: ${line}\n`)
    .join('');
  return event === undefined ? `${lines}\n` : `event: ${event}\n${lines}\n`;
}

/** An event whose data is `value` as JSON. */
export function jsonEvent(event: string | undefined, value: unknown): string {
  return formatEvent(event, JSON.stringify(value));
}
