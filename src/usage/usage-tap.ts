import type { ByteBudget } from '../common/byte-budget';
import { EventSplitter, wholeEvents } from '../http/sse';
import { contentBytes } from './content-bytes';
import { noUsage, readUsage, Usage } from './usage';

const USAGE_MARK = Buffer.from('usage');
/** A non-streamed answer larger than this is not parsed for usage. */
export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

/**
 * Reads usage from an answer's bytes as they pass to the client, without holding
 * the stream back or copying it. An event stream is cut at blank lines (any line
 * ends), and only the events that mention `usage` are parsed; a JSON answer is
 * kept by reference — up to 8 MiB, within the shared `budget` for answers held
 * whole — and parsed once at its end. Past either bound it is not kept: its
 * usage is then estimated. Every piece also counts the generated text that
 * passed (`contentBytes`), the estimate of a completion that was never reported.
 */
export class UsageTap {
  readonly usage: Usage = noUsage();
  /** Bytes of generated text seen. */
  content = 0;
  private readonly events: EventSplitter | undefined;
  private chunks: Buffer[] | undefined;
  private held = 0;

  constructor(
    streaming: boolean,
    private readonly budget?: ByteBudget,
  ) {
    if (streaming) this.events = new EventSplitter();
    else this.chunks = [];
  }

  push(chunk: Buffer): void {
    if (this.events) {
      // The common case (whole events, nothing carried) is read in place, all
      // its events at once: the reading is line by line, and generated text
      // never spans events, so the counts are those of the events one by one.
      if (this.events.idle && wholeEvents(chunk)) this.readEvents(chunk);
      else for (const event of this.events.push(chunk)) this.readEvents(event);
      return;
    }
    if (this.chunks) {
      if (
        this.held + chunk.length <= MAX_DOCUMENT_BYTES &&
        (!this.budget || this.budget.tryReserve(chunk.length))
      ) {
        this.held += chunk.length;
        this.chunks.push(chunk);
        return;
      }
      // Too large to keep: what was kept is measured, the rest as it passes.
      for (const kept of this.chunks) this.content += contentBytes(kept);
      this.letGo();
    }
    this.content += contentBytes(chunk);
  }

  /** Called when the answer ended (or was cut): parses what was kept. */
  end(): Usage {
    if (this.events) {
      const rest = this.events.end();
      if (rest) this.readEvents(rest);
    } else if (this.chunks) {
      const kept = this.chunks;
      // Most answers come in one chunk: read where it is.
      const document =
        kept.length === 1 ? kept[0] : Buffer.concat(kept, this.held);
      this.letGo();
      try {
        readUsage(JSON.parse(document.toString('utf8')), this.usage);
      } catch {
        // Not JSON, or cut short: no usage to read.
      }
      this.content += contentBytes(document);
    }
    return this.usage;
  }

  private letGo(): void {
    this.budget?.release(this.held);
    this.held = 0;
    this.chunks = undefined;
  }

  /**
   * One event or several whole ones: their generated text, and the usage of
   * any. Only a `data:` line that mentions `usage` is parsed (nothing else
   * carries it), found where it is: the other events of the chunk are not
   * decoded, split or parsed.
   */
  private readEvents(event: Buffer): void {
    this.content += contentBytes(event);
    let at = event.indexOf(USAGE_MARK);
    // Nearly every stream ends its lines with `\n` alone: then no search for a
    // `\r` (which would read to an end of the chunk for every line).
    const crs = at !== -1 && event.indexOf(CR) !== -1;
    while (at !== -1) {
      const start = lineStart(event, at, crs);
      const end = lineEnd(event, at, crs);
      const data = dataOf(event, start, end);
      if (data !== undefined) {
        try {
          readUsage(JSON.parse(data), this.usage);
        } catch {
          // A malformed event: nothing to read.
        }
      }
      at = event.indexOf(USAGE_MARK, end);
    }
  }
}

const LF = 0x0a;
const CR = 0x0d;
const DATA_FIELD = Buffer.from('data:');

/** Where the line holding `at` begins (after a `\n` or, if `crs`, a `\r`; or 0). */
function lineStart(bytes: Buffer, at: number, crs: boolean): number {
  const lf = bytes.lastIndexOf(LF, at);
  return (crs ? Math.max(lf, bytes.lastIndexOf(CR, at)) : lf) + 1;
}

/** Where the line holding `at` ends (its `\n` or, if `crs`, `\r`; or the end). */
function lineEnd(bytes: Buffer, at: number, crs: boolean): number {
  const lf = bytes.indexOf(LF, at);
  const cr = crs ? bytes.indexOf(CR, at) : -1;
  if (lf === -1) return cr === -1 ? bytes.length : cr;
  return cr === -1 ? lf : Math.min(lf, cr);
}

/** The value of a `data:` line (one space after the colon dropped), else undefined. */
function dataOf(bytes: Buffer, start: number, end: number): string | undefined {
  if (
    end - start < DATA_FIELD.length ||
    DATA_FIELD.compare(bytes, start, start + DATA_FIELD.length) !== 0
  )
    return undefined;
  let from = start + DATA_FIELD.length;
  if (bytes[from] === 0x20) from++;
  return bytes.toString('utf8', from, end);
}
