import type { EventFilter, StreamEvent } from './event-stream';

const MESSAGE_STOP = Buffer.from('message_stop');

/**
 * M13: Copilot's gateway appends OpenAI's `data: [DONE]` after `message_stop`
 * on `/v1/messages` streams (puxu `src/lib/anthropic/sse.ts`: "Copilot's
 * gateway injects it at the end of all streams, including Anthropic"; Floway
 * old workaround #8). An Anthropic client reads every event as JSON, so the
 * line fails it after a complete answer. `message_stop` is the end of an
 * Anthropic stream: nothing after it reaches the client.
 *
 * `changed` is called when something is dropped.
 */
export function stripAfterMessageStop(changed: () => void): EventFilter {
  let stopped = false;
  return {
    event(event: StreamEvent) {
      if (stopped) {
        changed();
        return [];
      }
      if (event.mentions(MESSAGE_STOP) && isMessageStop(event)) stopped = true;
      return undefined;
    },
  };
}

function isMessageStop(event: StreamEvent): boolean {
  if (event.name !== undefined) return event.name === 'message_stop';
  try {
    return (
      (JSON.parse(event.data) as { type?: unknown }).type === 'message_stop'
    );
  } catch {
    return false;
  }
}
