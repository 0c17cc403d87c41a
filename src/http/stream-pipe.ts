import type { IncomingMessage, ServerResponse } from 'node:http';

export type PipeOutcome =
  'complete' | 'client_closed' | 'upstream_reset' | 'idle_timeout';

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
    /** Sees each chunk as it passes (usage metering); must not keep the pipe waiting. */
    private readonly tap?: (chunk: Buffer) => void,
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
    if (!this.res.write(chunk)) {
      this.paused = true;
      this.body.pause();
    }
  };

  private readonly onDrain = (): void => {
    if (!this.paused) return;
    this.paused = false;
    this.timer?.refresh();
    this.body.resume();
  };

  private readonly onEnd = (): void => {
    // A body destroyed in the tick of its last chunk still emits 'end'.
    if (this.done) return;
    this.finish('complete');
    this.res.end();
  };

  private readonly onUpstreamClose = (): void => {
    if (!this.done && !this.body.complete) this.onUpstreamFailure();
  };

  private readonly onUpstreamFailure = (): void => {
    if (this.done) return;
    this.finish('upstream_reset');
    this.res.destroy();
  };

  private readonly onIdle = (): void => {
    if (this.done) return;
    if (this.paused) {
      // The client is slow, not the upstream: keep waiting.
      this.timer?.refresh();
      return;
    }
    this.finish('idle_timeout');
    this.body.destroy();
    this.res.destroy();
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
