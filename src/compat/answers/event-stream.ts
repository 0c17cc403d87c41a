import {
  EventSplitter,
  formatEvent,
  MAX_EVENT_BYTES,
  parseEvent,
  wholeEvents,
} from '../../http/sse';
import type { PipeTransform } from '../../http/stream-pipe';

const BLANK_LINE = Buffer.from('\n\n');

/**
 * One event of an answer's stream, as it came: its bytes, and its fields read
 * only when a filter asks (most events of most streams are never decoded).
 */
export class StreamEvent {
  private fields: { name: string | undefined; data: string } | undefined;

  /**
   * `raw`: the event's bytes; `wire`, when the caller has them so, the same
   * bytes followed by the blank line that ends the event (written as they are).
   */
  constructor(
    readonly raw: Buffer,
    readonly wire?: Buffer,
  ) {}

  /** The event whose bytes, blank line included, are `wire`. */
  static framed(wire: Buffer): StreamEvent {
    return new StreamEvent(wire.subarray(0, wire.length - 2), wire);
  }

  /** The `event:` field, when there was one. */
  get name(): string | undefined {
    return this.read().name;
  }

  /** The `data:` lines joined. */
  get data(): string {
    return this.read().data;
  }

  /** Whether the event's bytes contain `text` (a cheap look before decoding). */
  mentions(text: Buffer): boolean {
    return this.raw.indexOf(text) !== -1;
  }

  private read() {
    if (!this.fields) {
      const event = parseEvent(this.raw);
      this.fields = { name: event?.event, data: event?.data ?? '' };
    }
    return this.fields;
  }
}

/** An event written by a filter: its name (when it has one) and data. */
export interface WrittenEvent {
  name: string | undefined;
  data: string;
}

/**
 * One answer rule acting on a stream, event by event: what the client gets in
 * place of an event — undefined to pass it as it came, or the events to write
 * instead (none drops it) — and what it adds when the stream ends.
 */
export interface EventFilter {
  event(
    event: StreamEvent,
  ): ReadonlyArray<StreamEvent | WrittenEvent> | undefined;
  end?(): ReadonlyArray<WrittenEvent>;
}

/**
 * The stream of a native answer passed through answer rules (SPEC §13): cut
 * into events as they complete (SSE lines may be split across chunks), each
 * event handed to the filters in order and written at once — never held past
 * its own end. An event no filter touches goes out as its bytes. An event
 * longer than the splitter holds (`MAX_EVENT_BYTES`) is never dropped: from
 * there the stream passes as it comes, unfiltered.
 */
export class EventStreamTransform implements PipeTransform {
  private readonly splitter = new EventSplitter();
  /** An event was too large to hold: the stream passes unfiltered from there. */
  private passing = false;

  constructor(private readonly filters: readonly EventFilter[]) {}

  chunk(chunk: Buffer): Buffer {
    if (this.passing) return chunk;
    // The common case: whole events, nothing held (no copy of the bytes).
    const whole = this.splitter.idle && wholeEvents(chunk);
    const framed = whole ? framedEvents(chunk) : undefined;
    if (framed) return this.write(framed);
    if (this.tooLarge(chunk)) {
      // An event too large to hold: the rest of the stream passes as it comes.
      this.passing = true;
      const held = this.splitter.drain();
      return held ? Buffer.concat([held, chunk]) : chunk;
    }
    const events = this.splitter.push(chunk);
    if (events.length === 0) return EMPTY;
    return this.write(events.map((raw) => new StreamEvent(raw)));
  }

  end(): Buffer {
    if (this.passing) return EMPTY;
    const rest = this.splitter.end();
    const parts: Buffer[] = [];
    if (rest) parts.push(this.write([new StreamEvent(rest)]));
    this.filters.forEach((filter, i) => {
      const added = filter.end?.() ?? [];
      // What a filter adds at the end still passes the filters after it.
      if (added.length > 0) parts.push(this.write(added.map(toEvent), i + 1));
    });
    return Buffer.concat(parts);
  }

  /** A broken upstream breaks the client's connection, as it would unfiltered. */
  fail(): undefined {
    return undefined;
  }

  /** Whether the event `chunk` leaves unfinished would pass what the splitter holds. */
  private tooLarge(chunk: Buffer): boolean {
    const lastBreak = chunk.lastIndexOf(BLANK_LINE);
    const open =
      lastBreak === -1
        ? this.splitter.pendingBytes + chunk.length
        : chunk.length - lastBreak - BLANK_LINE.length;
    return open > MAX_EVENT_BYTES;
  }

  private write(events: StreamEvent[], from = 0): Buffer {
    let current: StreamEvent[] = events;
    for (let i = from; i < this.filters.length; i++) {
      const next: StreamEvent[] = [];
      for (const event of current) {
        const out = this.filters[i].event(event);
        if (out === undefined) next.push(event);
        else for (const one of out) next.push(toEvent(one));
      }
      current = next;
    }
    if (current.length === 1 && current[0].wire) return current[0].wire;
    const parts: Buffer[] = [];
    for (const event of current)
      if (event.wire) parts.push(event.wire);
      else parts.push(event.raw, BLANK_LINE);
    return parts.length === 0 ? EMPTY : Buffer.concat(parts);
  }
}

const EMPTY = Buffer.alloc(0);

function toEvent(event: StreamEvent | WrittenEvent): StreamEvent {
  if (event instanceof StreamEvent) return event;
  // `formatEvent` ends the event with its blank line.
  return StreamEvent.framed(
    Buffer.from(formatEvent(event.name, event.data), 'utf8'),
  );
}

/**
 * The events of a chunk of whole events (`wholeEvents`), each with its blank
 * line, cut as `EventSplitter.push` cuts them; undefined when the cut would
 * leave bytes over (the chunk ends in a third line end): the splitter then.
 */
function framedEvents(chunk: Buffer): StreamEvent[] | undefined {
  const events: StreamEvent[] = [];
  for (let start = 0; start < chunk.length;) {
    const end = chunk.indexOf(BLANK_LINE, start);
    if (end === -1) return undefined;
    if (end > start)
      events.push(StreamEvent.framed(chunk.subarray(start, end + 2)));
    start = end + 2;
  }
  return events;
}
