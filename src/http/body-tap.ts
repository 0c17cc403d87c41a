import type { PipeOutcome } from './stream-pipe';

/** Sees an answer's body as it passes, and its end (complete or cut). */
export interface BodyTap {
  chunk(chunk: Buffer): void;
  end(outcome: PipeOutcome): void;
}

/** Several taps as one, or undefined when there are none. */
export function joinTaps(
  ...taps: Array<BodyTap | undefined>
): BodyTap | undefined {
  const present = taps.filter((t): t is BodyTap => t !== undefined);
  if (present.length <= 1) return present[0];
  return {
    chunk: (chunk) => present.forEach((t) => t.chunk(chunk)),
    end: (outcome) => present.forEach((t) => t.end(outcome)),
  };
}
