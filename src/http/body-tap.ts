import type { PipeOutcome } from './stream-pipe';

/** Sees an answer's body as it passes, and its end (complete or cut). */
export interface BodyTap {
  chunk(chunk: Buffer): void;
  end(outcome: PipeOutcome): void;
}
