import { EventStreamTransform } from '../compat/answers/event-stream';
import { pinResponsesItemIds } from '../compat/answers/pin-responses-item-ids';
import { UsageTap } from './usage-tap';

/**
 * Metering reads the answers as the real Copilot shapes them (issue 26,
 * `COPILOT-QUIRKS.md` C10, R9, R15, R17, M13): credits from `copilot_usage`,
 * tokens from chat streams with empty-choices chunks, Responses streams with
 * churning ids and no `sequence_number` (pinned or not), Anthropic streams
 * with `[DONE]` after `message_stop`.
 */

const tapped = (text: string, size = 11) => {
  const tap = new UsageTap(true);
  const body = Buffer.from(text);
  for (let at = 0; at < body.length; at += size)
    tap.push(body.subarray(at, at + size));
  return tap.end();
};
const data = (doc: unknown) => `data: ${JSON.stringify(doc)}\n\n`;
const named = (doc: Record<string, unknown> & { type: string }) =>
  `event: ${doc.type}\n${data(doc)}`;

const FILTER = {
  hate: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** C10: a leading prompt-filter chunk, no `object`, a metadata-only empty-choices chunk, usage on a trailing one. */
const CHAT =
  data({
    choices: [],
    created: 0,
    id: '',
    model: '',
    prompt_filter_results: [
      { prompt_index: 0, content_filter_results: FILTER },
    ],
  }) +
  data({
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: 'Hi' },
        content_filter_results: FILTER,
      },
    ],
    created: 1764000000,
    id: 'chatcmpl-1',
    model: 'gpt-4.1-2025-04-14',
  }) +
  data({
    choices: [
      {
        index: 0,
        delta: {},
        finish_reason: 'stop',
        content_filter_results: {},
      },
    ],
    created: 1764000000,
    id: 'chatcmpl-1',
    model: 'gpt-4.1-2025-04-14',
  }) +
  data({
    choices: [],
    created: 1764000000,
    id: 'chatcmpl-1',
    model: 'gpt-4.1-2025-04-14',
    copilot_usage: { total_nano_aiu: 0 },
  }) +
  data({
    choices: [],
    created: 1764000000,
    id: 'chatcmpl-1',
    model: 'gpt-4.1-2025-04-14',
    usage: {
      prompt_tokens: 120,
      completion_tokens: 7,
      total_tokens: 127,
      prompt_tokens_details: { cached_tokens: 64 },
    },
    copilot_usage: {
      total_nano_aiu: 1518000,
      token_details: [
        {
          token_type: 'input',
          token_count: 56,
          batch_size: 1000000,
          cost_per_batch: 2000000000,
        },
      ],
    },
  }) +
  'data: [DONE]\n\n';

let n = 0;
const churn = () => `${++n}`.padStart(408, 'Q');
const item = {
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_text', text: 'Hi', annotations: [] }],
};
/** R9, R15, R17: churning ids, no `sequence_number`, `copilot_usage` beside `response`. */
const responses = (terminal: string, status: string) =>
  named({
    type: 'response.created',
    response: { id: churn(), status: 'in_progress', output: [] },
  }) +
  named({
    type: 'response.output_item.added',
    output_index: 0,
    item: { ...item, id: churn(), status: 'in_progress', content: [] },
  }) +
  named({
    type: 'response.output_text.delta',
    item_id: churn(),
    output_index: 0,
    content_index: 0,
    delta: 'Hi',
  }) +
  named({
    type: 'response.output_item.done',
    output_index: 0,
    item: { ...item, id: churn() },
  }) +
  named({
    type: terminal,
    response: {
      id: churn(),
      status,
      model: 'gpt-5.4-2026-03-05',
      service_tier: 'priority',
      output: [{ ...item, id: churn() }],
      usage: {
        input_tokens: 30,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 12 },
        output_tokens: 12,
        output_tokens_details: { reasoning_tokens: 8 },
        total_tokens: 42,
      },
    },
    copilot_usage: { total_nano_aiu: 2400000 },
  });

/** M13, M14: Bedrock ids, `copilot_usage` on `message_delta`, `[DONE]` after `message_stop`. */
const MESSAGES =
  named({
    type: 'message_start',
    message: {
      id: 'msg_bdrk_01',
      model: 'claude-sonnet-4-5-20250929',
      content: [],
      usage: {
        input_tokens: 90,
        output_tokens: 1,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      },
    },
  }) +
  named({
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { output_tokens: 15 },
    context_management: { applied_edits: [] },
    copilot_usage: { total_nano_aiu: 3300000 },
  }) +
  named({ type: 'message_stop' }) +
  'data: [DONE]\n\n';

describe('UsageTap on Copilot’s own answer shapes', () => {
  it('reads a chat stream’s tokens past its empty-choices chunks, and its credits', () => {
    expect(tapped(CHAT)).toMatchObject({
      promptTokens: 120,
      cachedTokens: 64,
      completionTokens: 7,
      nanoAiu: 1518000,
      promptReported: true,
      completionReported: true,
    });
  });

  it('reads a Responses stream with churning ids and no sequence numbers, and its credits', () => {
    const expected = {
      promptTokens: 30,
      completionTokens: 12,
      nanoAiu: 2400000,
      model: 'gpt-5.4-2026-03-05',
    };
    const wire = responses('response.completed', 'completed');
    expect(tapped(wire)).toMatchObject(expected);
    // What the client (and the cache) got, ids pinned, meters the same.
    const pinned = new EventStreamTransform([
      pinResponsesItemIds(() => undefined),
    ]);
    const out = Buffer.concat([
      pinned.chunk(Buffer.from(wire)),
      pinned.end(),
    ]).toString();
    expect(out).not.toBe(wire);
    expect(tapped(out)).toMatchObject(expected);
  });

  it('reads the usage and credits of a failed Responses stream', () => {
    expect(tapped(responses('response.failed', 'failed'))).toMatchObject({
      promptTokens: 30,
      completionTokens: 12,
      nanoAiu: 2400000,
    });
  });

  it('reads an Anthropic stream ending in [DONE], and its credits', () => {
    expect(tapped(MESSAGES)).toMatchObject({
      promptTokens: 90,
      completionTokens: 15,
      nanoAiu: 3300000,
      model: 'claude-sonnet-4-5-20250929',
    });
  });
});
