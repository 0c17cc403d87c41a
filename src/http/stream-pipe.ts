import type { IncomingMessage, ServerResponse } from 'node:http';

export type PipeOutcome =
  'complete' | 'client_closed' | 'upstream_reset' | 'idle_timeout';

/**
 * Rewrites an answer on its way (the bridge): what the client gets for each
 * upstream chunk (possibly nothing yet), at the upstream's end, and when the
 * upstream fails mid-body — there an answer in the client API's own terms (an
 * error event) that ends the connection cleanly, or undefined to cut it.
 */
export interface PipeTransform {
  /** What the client gets for one upstream chunk: text, or bytes as they are. */
  chunk(chunk: Buffer): string | Buffer;
  end(): string | Buffer;
  fail(outcome: 'upstream_reset' | 'idle_timeout'): string | undefined;
}

export interface PipeOptions {
  transform?: PipeTransform;
  /** Sees what the client gets (after the transform): the response cache's copy. */
  clientTap?: (chunk: Buffer) => void;
}

/**
 * Copies an upstream body to the client chunk by chunk: each chunk is written as it
 * arrives (no buffering, so every SSE event reaches the client at once), a full
 * client socket pauses the upstream, and the idle timer only runs while the proxy
 * is actually waiting on the upstream. A truncated upstream body ends the client
 * connection abruptly so the truncation cannot pass for a clean end.
 */
export class StreamPipe {
  private bytes = 0;
  private done = false;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly body: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly idleTimeoutMs: number,
    private readonly onDone: (outcome: PipeOutcome, bytes: number) => void,
    /** Sees each upstream chunk as it passes (usage metering); must not keep the pipe waiting. */
    private readonly tap?: (chunk: Buffer) => void,
    private readonly options: PipeOptions = {},
  ) {}

  start(): void {
    const { body, res } = this;
    this.timer = setTimeout(this.onIdle, this.idleTimeoutMs);
    body.on('data', this.onData);
    body.once('end', this.onEnd);
    body.on('error', this.onUpstreamFailure);
    body.once('close', this.onUpstreamClose);
    res.on('drain', this.onDrain);
    res.once('close', this.onClientClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    this.timer?.refresh();
    this.tap?.(chunk);
    const out = this.options.transform
      ? bytesOf(this.options.transform.chunk(chunk))
      : chunk;
    if (out.length === 0) return;
    this.options.clientTap?.(out);
    if (!this.res.write(out)) {
      this.paused = true;
      this.body.pause();
    }
  };

  /** The transform's last words: through the client tap before the pipe's end is told. */
  private lastWords(text: string | Buffer | undefined): Buffer | undefined {
    if (text === undefined) return undefined;
    const out = bytesOf(text);
    if (out.length > 0) this.options.clientTap?.(out);
    return out;
  }

  private readonly onDrain = (): void => {
    if (!this.paused) return;
    this.paused = false;
    this.timer?.refresh();
    this.body.resume();
  };

  private readonly onEnd = (): void => {
    // A body destroyed in the tick of its last chunk still emits 'end'.
    if (this.done) return;
    const last = this.lastWords(this.options.transform?.end());
    this.finish('complete');
    this.res.end(last);
  };

  private readonly onUpstreamClose = (): void => {
    if (!this.done && !this.body.complete) this.onUpstreamFailure();
  };

  private readonly onUpstreamFailure = (): void => {
    if (this.done) return;
    this.cut('upstream_reset');
  };

  /**
   * A failed upstream body ends the client connection abruptly, so the
   * truncation cannot pass for a clean end — unless the transform answers it in
   * the client API's terms (its error event says the answer is cut).
   */
  private cut(outcome: 'upstream_reset' | 'idle_timeout'): void {
    const last = this.res.destroyed
      ? undefined
      : this.lastWords(this.options.transform?.fail(outcome));
    this.finish(outcome);
    if (last !== undefined) this.res.end(last);
    else this.res.destroy();
  }

  private readonly onIdle = (): void => {
    if (this.done) return;
    if (this.paused) {
      // The client is slow, not the upstream: keep waiting.
      this.timer?.refresh();
      return;
    }
    this.cut('idle_timeout');
    this.body.destroy();
  };

  private readonly onClientClose = (): void => {
    if (this.done) return;
    this.finish('client_closed');
    this.body.destroy();
  };

  private finish(outcome: PipeOutcome): void {
    this.done = true;
    clearTimeout(this.timer);
    this.res.removeListener('drain', this.onDrain);
    this.onDone(outcome, this.bytes);
  }
}

function bytesOf(out: string | Buffer): Buffer {
  return typeof out === 'string' ? Buffer.from(out, 'utf8') : out;
}
