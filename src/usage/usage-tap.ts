import { readUsage, Usage } from './usage';

const EVENT_END = Buffer.from('\n\n');
const USAGE_MARK = Buffer.from('usage');
const DATA = 'data:';
/** A partial event longer than this is dropped (a stream that never ends one). */
const MAX_EVENT_BYTES = 1024 * 1024;
/** A non-streamed answer larger than this is not parsed for usage. */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/**
 * Reads usage from an answer's bytes as they pass to the client, without holding
 * the stream back or copying it. An event stream is cut at blank lines, and only
 * the events that mention `usage` are parsed; a JSON answer is parsed once at its
 * end (its chunks are kept by reference, up to 8 MiB). What the tap saw of a
 * stream cut short still counts.
 */
export class UsageTap {
  readonly usage: Usage = {
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    nanoAiu: 0,
  };
  private carry: Buffer | undefined;
  private chunks: Buffer[] | undefined;
  private size = 0;

  constructor(private readonly streaming: boolean) {
    if (!streaming) this.chunks = [];
  }

  push(chunk: Buffer): void {
    if (!this.streaming) {
      if (!this.chunks) return;
      this.size += chunk.length;
      if (this.size > MAX_DOCUMENT_BYTES) this.chunks = undefined;
      else this.chunks.push(chunk);
      return;
    }
    let buffer = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    let end: number;
    while ((end = buffer.indexOf(EVENT_END, start)) !== -1) {
      const event = buffer.subarray(start, end);
      if (event.indexOf(USAGE_MARK) !== -1) this.readEvent(event);
      start = end + 2;
    }
    buffer = buffer.subarray(start);
    // Only an event still arriving is kept; most chunks end on a boundary.
    this.carry =
      buffer.length > 0 && buffer.length <= MAX_EVENT_BYTES
        ? Buffer.from(buffer)
        : undefined;
  }

  /** Called when the answer ended (or was cut): parses what was kept. */
  end(): Usage {
    if (this.chunks && this.size > 0) {
      try {
        readUsage(
          JSON.parse(Buffer.concat(this.chunks, this.size).toString('utf8')),
          this.usage,
        );
      } catch {
        // Not JSON, or cut short: no usage to read.
      }
      this.chunks = undefined;
    }
    return this.usage;
  }

  private readEvent(event: Buffer): void {
    for (const line of event.toString('utf8').split('\n')) {
      if (!line.startsWith(DATA)) continue;
      try {
        readUsage(JSON.parse(line.slice(DATA.length)), this.usage);
      } catch {
        // `[DONE]` or a malformed event: nothing to read.
      }
    }
  }
}
