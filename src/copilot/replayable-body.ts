import { Readable, Transform, TransformCallback } from 'node:stream';
import type { ByteBudget } from '../common/byte-budget';

/**
 * Passes a request body through while keeping a copy of up to `limit` bytes,
 * counted against the shared `budget`, so the request can be sent again (after
 * the upstream rejected a stale token, or on a fresh connection). A body larger
 * than the limit, or one that finds the budget spent, streams as usual and simply
 * cannot be replayed. `discard()` gives the copy back as soon as no retry can come.
 */
export class ReplayableBody extends Transform {
  private chunks: Buffer[] | undefined = [];
  private size = 0;
  private readonly ended: Promise<boolean>;

  constructor(
    source: Readable,
    private readonly limit: number,
    private readonly budget: ByteBudget,
  ) {
    super();
    this.ended = new Promise((resolve) => {
      this.once('finish', () => resolve(this.chunks !== undefined));
      source.once('error', () => resolve(false));
      source.once('aborted', () => resolve(false));
      // Destroyed without an error: only 'close' tells (a no-op after 'finish').
      source.once('close', () => resolve(false));
    });
    source.pipe(this);
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    if (this.chunks) {
      if (
        this.size + chunk.length <= this.limit &&
        this.budget.tryReserve(chunk.length)
      ) {
        this.size += chunk.length;
        this.chunks.push(chunk);
      } else {
        this.discard();
      }
    }
    callback(null, chunk);
  }

  /** Whether a copy is still being kept. */
  get kept(): boolean {
    return this.chunks !== undefined;
  }

  /** Drops the copy (if any) and returns its bytes to the budget. */
  discard(): void {
    if (!this.chunks) return;
    this.chunks = undefined;
    this.budget.release(this.size);
    this.size = 0;
  }

  /**
   * Reads what is left of the source (the first upstream may have stopped reading)
   * and resolves with a fresh stream of the whole body, or undefined when it was
   * not kept or the client went away.
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
