import { Readable, Transform, TransformCallback } from 'node:stream';

/**
 * Passes a request body through while keeping a copy of up to `limit` bytes, so
 * the request can be sent again after the upstream rejected a stale token. A body
 * larger than the limit streams as usual and simply cannot be replayed.
 */
export class ReplayableBody extends Transform {
  private chunks: Buffer[] | undefined = [];
  private size = 0;
  private readonly ended: Promise<boolean>;

  constructor(
    source: Readable,
    private readonly limit: number,
  ) {
    super();
    this.ended = new Promise((resolve) => {
      this.once('finish', () => resolve(this.chunks !== undefined));
      source.once('error', () => resolve(false));
      source.once('aborted', () => resolve(false));
    });
    source.pipe(this);
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    if (this.chunks) {
      this.size += chunk.length;
      if (this.size > this.limit) this.chunks = undefined;
      else this.chunks.push(chunk);
    }
    callback(null, chunk);
  }

  /**
   * Reads what is left of the source (the first upstream may have stopped reading)
   * and resolves with a fresh stream of the whole body, or undefined when it was
   * too large or the client went away.
   */
  async replay(): Promise<Readable | undefined> {
    this.unpipe();
    this.resume();
    const complete = await this.ended;
    return complete && this.chunks
      ? Readable.from(this.chunks, { objectMode: false })
      : undefined;
  }
}
