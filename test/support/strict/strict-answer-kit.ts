import type { Exchange } from '../fake-http';
import type { ReasoningLedger, ReasoningKind } from './strict-reasoning';
import type { Json } from './strict-refusals';

/** How the strict fake answers; each can also be asked for by a marker in the request body. */
export interface StrictAnswerSettings {
  /** `Connection: close` on every answer (G2). Default true. */
  connectionClose: boolean;
  /** Responses streams carry `sequence_number` (R15). Default true; marker `STRICT_NO_SEQ` drops it. */
  sequenceNumbers: boolean;
  /** Responses streams take the fast path (R15). Default false; marker `STRICT_FAST_PATH`. */
  fastPath: boolean;
  /** Every inference request overflows the context (M12, C14). Default false; marker `STRICT_OVERFLOW`. */
  overflow: boolean;
  /** Claude chat answers put tool calls in choice 1 (C9, historic). Default false. */
  splitChoices: boolean;
}

export const DEFAULT_ANSWERS: StrictAnswerSettings = {
  connectionClose: true,
  sequenceNumbers: true,
  fastPath: false,
  overflow: false,
  splitChoices: false,
};

/**
 * The tool-call arguments of a degenerate generation (G16), asked for by the marker
 * `STRICT_WHITESPACE`: only `\n\t\r`, far more than 20 in a row, cut by the token limit.
 */
export const WHITESPACE = '\n\t\r'.repeat(12);

/** What an answer writer gets. */
export interface AnswerContext {
  ex: Exchange;
  body: Json;
  /** The checked model id (answers echo {@link datedModel} of it). */
  model: string;
  settings: StrictAnswerSettings;
  /** The body contains `marker` (`STRICT_FAST_PATH`, …). */
  marked(marker: string): boolean;
  /** Notes reasoning given out in this answer and returns `value`. */
  issue(kind: ReasoningKind, value: string, text: string): string;
  ledger: ReasoningLedger;
  /** A 200 JSON answer with Copilot's success headers. */
  json(body: unknown): void;
  /** A 200 event stream of `parts` with Copilot's success headers (`x-fake-interval-ms` apart, else at once). */
  stream(parts: Array<() => string>): void;
}

/** One SSE event, named (Messages, Responses). */
export const event = (name: string, data: unknown): string =>
  `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** One SSE `data:` line (Chat; Messages' trailing `[DONE]`). */
export const data = (payload: unknown): string =>
  `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;

/** `text` in `count` pieces that join back to it. */
export function pieces(text: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size)
    out.push(text.slice(at, at + size));
  return out;
}

/** The reasoning text the fake "thinks". */
export const THOUGHT = 'Let me think about that.';
