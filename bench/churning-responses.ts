import { randomBytes } from 'node:crypto';
import type { Exchange } from '../test/support/fake-http';
import { nowMs } from '../test/support/fake-copilot-api';

/** A new opaque id of Copilot's length (R9, R16: about 408 characters). */
const churn = () => randomBytes(306).toString('base64');

const event = (data: Record<string, unknown>) =>
  `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * `POST /responses` with `x-bench-churn: 1`, answered as the real Copilot
 * streams it (R9): one message item whose every event carries a new ~408-char
 * id, `x-fake-events` text deltas `x-fake-interval-ms` apart, each with its
 * send time (`"sent":`, where the bench reads the lag), then `done` and
 * `response.completed` with the whole output — no `sequence_number` (R15).
 */
export function churningResponses(ex: Exchange): void {
  const { req, res } = ex;
  const events = Number(req.headers['x-fake-events'] ?? 20);
  const interval = Number(req.headers['x-fake-interval-ms'] ?? 50);
  const response = {
    id: churn(),
    object: 'response',
    status: 'in_progress',
    model: 'gpt-5.1-codex-2025-11-13',
    output: [] as unknown[],
    service_tier: 'priority',
  };
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(
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
  );
  let sent = 0;
  let text = '';
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    const delta = `tok${++sent} `;
    text += delta;
    res.write(
      event({
        type: 'response.output_text.delta',
        item_id: churn(),
        output_index: 0,
        content_index: 0,
        delta,
        sent: nowMs(),
      }),
    );
    if (sent < events) return;
    clearInterval(timer);
    const item = {
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
    res.end(
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
              output_tokens: events,
              total_tokens: 9 + events,
            },
          },
          copilot_usage: { total_nano_aiu: 1000 },
        }),
    );
  }, interval);
}
