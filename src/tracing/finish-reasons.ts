/** A chat `finish_reason` or an Anthropic `stop_reason` with a value (not null). */
const REASON = /"(?:finish|stop)_reason"\s*:\s*"([\w.-]{1,64})"/g;
/** The last event of a Responses stream names how the response ended. */
const RESPONSE_END = /"type"\s*:\s*"response\.(completed|incomplete|failed)"/g;
/** A whole Responses answer: its own status comes before its output's. */
const RESPONSE_STATUS =
  /"object"\s*:\s*"response"\s*,[^]*?"status"\s*:\s*"(\w+)"/;

const STREAM_MARKS = [
  '_reason"',
  'response.completed',
  'response.incomplete',
  'response.failed',
].map((mark) => Buffer.from(mark));
const ANSWER_MARKS = ['_reason"', '"response"'].map((mark) =>
  Buffer.from(mark),
);
/** Bytes kept of each chunk, to find a field cut between two chunks. */
const CARRY = 96;

const marked = (bytes: Buffer, marks: Buffer[]) =>
  marks.some((mark) => bytes.indexOf(mark) !== -1);

/**
 * Why a model answer ended (`gen_ai.response.finish_reasons`), read from its
 * bytes as they pass, in the upstream's own words: chat `finish_reason`,
 * Anthropic `stop_reason`, the Responses status. A chunk is read as text only
 * when it names one; only traced requests have this reader.
 */
export class FinishReasons {
  private readonly found = new Set<string>();
  private readonly marks: Buffer[];
  private carry: Buffer | undefined;

  constructor(private readonly streaming: boolean) {
    this.marks = streaming ? STREAM_MARKS : ANSWER_MARKS;
  }

  push(chunk: Buffer): void {
    const previous = this.carry;
    this.carry =
      chunk.length > CARRY ? chunk.subarray(chunk.length - CARRY) : chunk;
    const seam =
      previous && Buffer.concat([previous, chunk.subarray(0, CARRY)]);
    if (!marked(chunk, this.marks) && !(seam && marked(seam, this.marks)))
      return;
    const text = (previous ? Buffer.concat([previous, chunk]) : chunk).toString(
      'latin1',
    );
    for (const match of text.matchAll(REASON)) this.found.add(match[1]);
    if (this.streaming) {
      for (const match of text.matchAll(RESPONSE_END)) this.found.add(match[1]);
    } else if (this.found.size === 0) {
      const status = RESPONSE_STATUS.exec(text);
      if (status) this.found.add(status[1]);
    }
  }

  get reasons(): string[] {
    return [...this.found];
  }
}
