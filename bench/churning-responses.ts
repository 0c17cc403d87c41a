import { randomBytes } from 'node:crypto';
import type { Exchange } from '../test/support/fake-http';
import { nowMs } from '../test/support/fake-copilot-api';

/** A new opaque id of Copilot's length (R9, R16: about 408 characters). */
const churn = () => randomBytes(306).toString('base64');

const event = (data: Record<string, unknown>) =>
  `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The events of one churning Responses stream, as the real Copilot writes them
 * (R9, R15): `head()` (created, the message item added), one `delta(sent)` per
 * text delta, then `tail()` (the item done and `response.completed` with the
 * whole output). Every item event carries a new ~408-char id; none carries a
 * `sequence_number`.
 */
export function churningEvents() {
  const response = {
    id: churn(),
    object: 'response',
    status: 'in_progress',
    model: 'gpt-5.1-codex-2025-11-13',
    output: [] as unknown[],
    service_tier: 'priority',
  };
  let sent = 0;
  let text = '';
  return {
    head: () =>
      event({ type: 'response.created', response }) +
      event({
        type: 'response.output_item.added',
        output_index: 0,
        item: {
          id: churn(),
          type: 'message',
          status: 'in_progress',
          role: 'assistant',
          content: [],
        },
      }),
    /** The next text delta, stamped with its send time. */
    delta: (at: number) => {
      const delta = `tok${++sent} `;
      text += delta;
      return event({
        type: 'response.output_text.delta',
        item_id: churn(),
        output_index: 0,
        content_index: 0,
        delta,
        sent: at,
      });
    },
    tail: () => {
      const item = {
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      };
      return (
        event({
          type: 'response.output_item.done',
          output_index: 0,
          item: { id: churn(), ...item },
        }) +
        event({
          type: 'response.completed',
          response: {
            ...response,
            status: 'completed',
            output: [{ id: churn(), ...item }],
            usage: {
              input_tokens: 9,
              output_tokens: sent,
              total_tokens: 9 + sent,
            },
          },
          copilot_usage: { total_nano_aiu: 1000 },
        })
      );
    },
  };
}

/**
 * `POST /responses` with `x-bench-churn: 1`, answered as the real Copilot
 * streams it (R9): {@link churningEvents}, `x-fake-events` text deltas
 * `x-fake-interval-ms` apart, each with its send time (`"sent":`, where the
 * bench reads the lag).
 */
export function churningResponses(ex: Exchange): void {
  const { req, res } = ex;
  const events = Number(req.headers['x-fake-events'] ?? 20);
  const interval = Number(req.headers['x-fake-interval-ms'] ?? 50);
  const stream = churningEvents();
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(stream.head());
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(stream.delta(nowMs()));
    if (++sent < events) return;
    clearInterval(timer);
    res.end(stream.tail());
  }, interval);
}
