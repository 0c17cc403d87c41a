import { longId, sse } from './run-stream';

type Json = Record<string, any>;

/** A new opaque id per event, as Copilot sends them (R9). */
let churn = 0;
const fresh = () => longId(`ID${++churn}x`);

export const RESPONSE = {
  id: longId('resp'),
  object: 'response',
  status: 'in_progress',
  model: 'gpt-5.4-2026-03-05',
  output: [],
  service_tier: 'priority',
};

/** A reasoning summary, a message and a function call, ids churning on every event (R9, R15: no sequence_number). */
export function churningStream(): { wire: string; firstIds: string[] } {
  const ids = [fresh(), fresh(), fresh()];
  const events: Json[] = [
    { type: 'response.created', response: RESPONSE },
    { type: 'response.in_progress', response: RESPONSE },
    {
      type: 'response.output_item.added',
      output_index: 0,
      item: {
        id: ids[0],
        type: 'reasoning',
        summary: [],
        encrypted_content: 'enc-a',
      },
    },
    {
      type: 'response.reasoning_summary_part.added',
      item_id: fresh(),
      output_index: 0,
      summary_index: 0,
      part: { type: 'summary_text', text: '' },
    },
    {
      type: 'response.reasoning_summary_text.delta',
      item_id: fresh(),
      output_index: 0,
      summary_index: 0,
      delta: 'Weighing ',
    },
    {
      type: 'response.reasoning_summary_text.delta',
      item_id: fresh(),
      output_index: 0,
      summary_index: 0,
      delta: 'the tools.',
    },
    {
      type: 'response.reasoning_summary_text.done',
      item_id: fresh(),
      output_index: 0,
      summary_index: 0,
      text: 'Weighing the tools.',
    },
    {
      type: 'response.reasoning_summary_part.done',
      item_id: fresh(),
      output_index: 0,
      summary_index: 0,
      part: { type: 'summary_text', text: 'Weighing the tools.' },
    },
    {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        id: fresh(),
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Weighing the tools.' }],
        encrypted_content: 'enc-b',
      },
    },
    {
      type: 'response.output_item.added',
      output_index: 1,
      item: {
        id: ids[1],
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [],
      },
    },
    {
      type: 'response.content_part.added',
      item_id: fresh(),
      output_index: 1,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    },
    {
      type: 'response.output_text.delta',
      item_id: fresh(),
      output_index: 1,
      content_index: 0,
      delta: 'Checking.',
    },
    {
      type: 'response.output_text.done',
      item_id: fresh(),
      output_index: 1,
      content_index: 0,
      text: 'Checking.',
    },
    {
      type: 'response.content_part.done',
      item_id: fresh(),
      output_index: 1,
      content_index: 0,
      part: { type: 'output_text', text: 'Checking.', annotations: [] },
    },
    {
      type: 'response.output_item.done',
      output_index: 1,
      item: {
        id: fresh(),
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
      },
    },
    {
      type: 'response.output_item.added',
      output_index: 2,
      item: {
        id: ids[2],
        type: 'function_call',
        status: 'in_progress',
        name: 'weather',
        call_id: 'call_Zx9',
        arguments: '',
      },
    },
    {
      type: 'response.function_call_arguments.delta',
      item_id: fresh(),
      output_index: 2,
      delta: '{"city":',
    },
    {
      type: 'response.function_call_arguments.delta',
      item_id: fresh(),
      output_index: 2,
      delta: '"Paris"}',
    },
    {
      type: 'response.function_call_arguments.done',
      item_id: fresh(),
      output_index: 2,
      arguments: '{"city":"Paris"}',
    },
    {
      type: 'response.output_item.done',
      output_index: 2,
      item: {
        id: fresh(),
        type: 'function_call',
        status: 'completed',
        name: 'weather',
        call_id: 'call_Zx9',
        arguments: '{"city":"Paris"}',
      },
    },
  ];
  const done = {
    type: 'response.completed',
    response: {
      ...RESPONSE,
      status: 'completed',
      output: [
        {
          id: fresh(),
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'Weighing the tools.' }],
          encrypted_content: 'enc-c',
        },
        {
          id: fresh(),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'Checking.', annotations: [] },
          ],
        },
        {
          id: fresh(),
          type: 'function_call',
          status: 'completed',
          name: 'weather',
          call_id: 'call_Zx9',
          arguments: '{"city":"Paris"}',
        },
      ],
      usage: { input_tokens: 40, output_tokens: 30, total_tokens: 70 },
    },
    copilot_usage: { total_nano_aiu: 1200000 },
  };
  return { wire: [...events, done].map(sse).join(''), firstIds: ids };
}
