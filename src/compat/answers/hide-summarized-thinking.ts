import type { EventFilter, StreamEvent, WrittenEvent } from './event-stream';

const THINKING_DELTA = Buffer.from('thinking_delta');

/** A dropped thinking text becomes a `ping` when the client heard nothing this long. */
export const KEEPALIVE_MS = 10_000;

const PING: WrittenEvent = { name: 'ping', data: '{"type": "ping"}' };

/**
 * G9/M11, the answer half of `promote-thinking-display` (request rule g9): the
 * client asked for `thinking.display: "omitted"`, the proxy asked Copilot for
 * `summarized` so the stream is never silent for the ~60 s that drops it. The
 * client gets what it asked for: each thinking block's start, its
 * `signature_delta` (byte-exact: it goes back upstream on the next turn) and
 * its stop, never the summarized text. Where dropped text leaves the client
 * without a byte for `KEEPALIVE_MS`, an Anthropic `ping` event goes out in its
 * place, so the client's side of the proxy stays alive too. Floway
 * `promote-thinking-display.ts` does the same (keeping `signature` byte-exact).
 */
export function hideSummarizedThinking(
  changed: () => void,
  now: () => number = () => performance.now(),
): EventFilter {
  let lastSent = now();
  return {
    event(event: StreamEvent) {
      if (event.mentions(THINKING_DELTA) && isThinkingDelta(event)) {
        changed();
        if (now() - lastSent < KEEPALIVE_MS) return [];
        lastSent = now();
        return [PING];
      }
      lastSent = now();
      return undefined;
    },
  };
}

function isThinkingDelta(event: StreamEvent): boolean {
  try {
    const doc = JSON.parse(event.data) as {
      type?: unknown;
      delta?: { type?: unknown };
    };
    return (
      doc.type === 'content_block_delta' && doc.delta?.type === 'thinking_delta'
    );
  } catch {
    return false;
  }
}
