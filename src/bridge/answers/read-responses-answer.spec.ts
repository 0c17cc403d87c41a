import type { Json, SseEvent, StreamPart } from '../ir';
import { callBlock, reasoningBlock, textBlock } from './__fixtures__/parts';
import { loadFixture, readParts } from './__fixtures__/replay';
import {
  readResponsesAnswer,
  ResponsesStreamReader,
} from './read-responses-answer';

describe('readResponsesAnswer', () => {
  const message = (text: string) => ({
    id: 'msg_1',
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  });

  it('reads reasoning, text and a function call with usage', () => {
    expect(
      readResponsesAnswer({
        id: 'resp_1',
        object: 'response',
        status: 'completed',
        model: 'gpt-5.1-2025-11-13',
        output: [
          {
            id: 'rs_1',
            type: 'reasoning',
            summary: [
              { type: 'summary_text', text: '**Plan**' },
              { type: 'summary_text', text: 'Look it up.' },
            ],
            encrypted_content: 'gAAAA',
          },
          message('Checking.'),
          {
            id: 'fc_1',
            type: 'function_call',
            status: 'completed',
            arguments: '{"location":"Tokyo"}',
            call_id: 'call_IvYLluXX',
            name: 'get_weather',
          },
        ],
        usage: {
          input_tokens: 56,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 24,
          output_tokens_details: { reasoning_tokens: 8 },
          total_tokens: 80,
        },
        copilot_usage: { total_nano_aiu: 5 },
      }),
    ).toEqual({
      id: 'resp_1',
      model: 'gpt-5.1-2025-11-13',
      content: [
        {
          type: 'reasoning',
          text: '**Plan**\n\nLook it up.',
          encrypted: 'gAAAA',
          id: 'rs_1',
        },
        { type: 'text', text: 'Checking.' },
        {
          type: 'tool-call',
          id: 'call_IvYLluXX',
          name: 'get_weather',
          arguments: '{"location":"Tokyo"}',
        },
      ],
      finishReason: 'tool-calls',
      usage: {
        inputTokens: 56,
        outputTokens: 24,
        cachedInputTokens: 0,
        reasoningTokens: 8,
      },
      copilotUsage: { total_nano_aiu: 5 },
    });
  });

  it('reads parallel calls, one with empty arguments, and skips hosted tool items', () => {
    expect(
      readResponsesAnswer({
        status: 'completed',
        output: [
          { id: 'ws_1', type: 'web_search_call', status: 'completed' },
          {
            type: 'function_call',
            call_id: 'call_a',
            name: 'ls',
            arguments: '',
          },
          {
            type: 'function_call',
            call_id: 'call_b',
            name: 'cat',
            arguments: '{"path":"a"}',
          },
        ],
      }),
    ).toEqual({
      content: [
        { type: 'tool-call', id: 'call_a', name: 'ls', arguments: '' },
        {
          type: 'tool-call',
          id: 'call_b',
          name: 'cat',
          arguments: '{"path":"a"}',
        },
      ],
      finishReason: 'tool-calls',
    });
  });

  it('reads incomplete, failed and refusal answers', () => {
    const read = (body: Json) => readResponsesAnswer(body);
    expect(
      read({
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [message('Once upon')],
      }),
    ).toEqual({
      content: [{ type: 'text', text: 'Once upon' }],
      finishReason: 'length',
    });
    expect(
      read({
        status: 'incomplete',
        incomplete_details: { reason: 'content_filter' },
        output: [
          {
            type: 'message',
            content: [{ type: 'refusal', refusal: 'I cannot help with that.' }],
          },
        ],
      }),
    ).toEqual({
      content: [{ type: 'text', text: 'I cannot help with that.' }],
      finishReason: 'content-filter',
    });
    expect(read({ status: 'failed', output: [] }).finishReason).toBe('error');
  });
});

describe('ResponsesStreamReader', () => {
  const fixture = (name: string) =>
    readParts(new ResponsesStreamReader(), [loadFixture(name).bytes]);

  it('reads a text stream, matching items by output_index across rotating item ids', () => {
    expect(fixture('responses-text')).toEqual([
      { type: 'start', id: 'resp_QZs1NzExODk3YmU4', model: 'gpt-5.3-codex' },
      ...textBlock('text-0', 'Voilà', ' : le café', ' coûte 3 €', ' ☕.'),
      {
        type: 'finish',
        reason: 'stop',
        usage: {
          inputTokens: 19,
          outputTokens: 105,
          cachedInputTokens: 0,
          reasoningTokens: 0,
        },
        copilotUsage: {
          token_details: [
            {
              batch_size: 1000000,
              cost_per_batch: 175000000000,
              token_count: 19,
              token_type: 'input',
            },
            {
              batch_size: 1000000,
              cost_per_batch: 1400000000000,
              token_count: 105,
              token_type: 'output',
            },
          ],
          total_nano_aiu: 150325000,
        },
      },
    ]);
  });

  it('reads text then parallel function calls', () => {
    expect(fixture('responses-function-calls')).toEqual([
      { type: 'start', id: 'resp_RnVuY3Rpb25DYWxscw', model: 'gpt-5.3-codex' },
      ...textBlock('text-0', 'Checking both', ' cities.'),
      ...callBlock(
        'call_2FQdm3Br7Qb35YUBSkDR7kue',
        'get_weather',
        '{"',
        'city',
        '":"',
        'Be',
        'ijing',
        '"}',
      ),
      ...callBlock(
        'call_8hTqLmZ0aVwN4sYcE1dP6fXr',
        'get_weather',
        '{"city":',
        '"Lyon"}',
      ),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: {
          inputTokens: 45,
          outputTokens: 25,
          cachedInputTokens: 32,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it('reads a reasoning item: summary parts a blank line apart, encrypted content at its end', () => {
    expect(fixture('responses-reasoning')).toEqual([
      {
        type: 'start',
        id: 'resp_UmVhc29uaW5nU3VtbWFyeQ',
        model: 'gpt-5.3-codex',
      },
      ...reasoningBlock(
        'reasoning-0',
        [
          '**Counting letters**',
          '\n\nstrawberry has r at 3, 8, 9.',
          '\n\n',
          '**Answer**',
          '\n\nThree.',
        ],
        // The id of the event that carried the encrypted content (R9, R10).
        {
          encrypted: 'gAAAAABpZ0FsInRoaW5raW5nIjoiY2Fub25pY2FsIn0=',
          itemId: 'Yk9wZW5BSV9pdGVt_012',
        },
      ),
      ...textBlock('text-1', 'There are **3**', ' r’s.'),
      {
        type: 'finish',
        reason: 'stop',
        usage: {
          inputTokens: 19,
          outputTokens: 105,
          cachedInputTokens: 0,
          reasoningTokens: 44,
        },
      },
    ]);
  });

  it('ends in an error part at response.failed', () => {
    expect(fixture('responses-failed')).toEqual([
      {
        type: 'start',
        id: 'resp_RmFpbGVkTWlkU3RyZWFt',
        model: 'gpt-5.3-codex',
      },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Let me th' },
      {
        type: 'error',
        message: 'The model produced invalid content.',
        code: 'server_error',
      },
    ]);
  });

  it('ends in an error part at an error event, ignoring the response.failed after it', () => {
    expect(fixture('responses-error')).toEqual([
      { type: 'start', id: 'resp_RXJyb3JFdmVudA', model: 'gpt-5.3-codex' },
      {
        type: 'error',
        message:
          'Rate limit reached for gpt-5.3-codex. Please try again in 2.5s.',
        code: 'rate_limit_exceeded',
      },
    ]);
  });

  it('finishes with length at response.incomplete for max_output_tokens', () => {
    expect(fixture('responses-incomplete')).toEqual([
      { type: 'start', id: 'resp_SW5jb21wbGV0ZQ', model: 'gpt-5.3-codex' },
      ...textBlock('text-0', 'Once upon a', ' time'),
      {
        type: 'finish',
        reason: 'length',
        usage: {
          inputTokens: 12,
          outputTokens: 4,
          cachedInputTokens: 0,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  describe('edge cases', () => {
    const event = (data: Json): SseEvent => ({
      event: data.type as string,
      data: JSON.stringify(data),
    });
    function read(events: SseEvent[]): StreamPart[] {
      const reader = new ResponsesStreamReader();
      return [...events.flatMap((e) => reader.push(e)), ...reader.end()];
    }
    const completed = (output: Json[] = [], usage: Json | null = null) =>
      event({
        type: 'response.completed',
        response: {
          id: 'resp_x',
          model: 'm',
          status: 'completed',
          output,
          usage,
        },
      });

    it('ends in an error when the stream stops before a terminal event', () => {
      expect(
        read([
          event({
            type: 'response.created',
            response: { id: 'resp_x', model: 'm' },
          }),
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: { type: 'message', content: [] },
          }),
          event({
            type: 'response.output_text.delta',
            output_index: 0,
            delta: 'Hi',
          }),
        ]),
      ).toEqual([
        { type: 'start', id: 'resp_x', model: 'm' },
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', delta: 'Hi' },
        {
          type: 'error',
          message: 'The upstream stream ended before the response was complete',
        },
      ]);
    });

    it('takes text and arguments from the done events when no delta carried them', () => {
      expect(
        read([
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: { type: 'message', content: [] },
          }),
          event({
            type: 'response.content_part.added',
            output_index: 0,
            content_index: 0,
            part: { type: 'output_text', text: '' },
          }),
          event({
            type: 'response.output_text.done',
            output_index: 0,
            content_index: 0,
            text: 'Whole text',
          }),
          event({
            type: 'response.content_part.done',
            output_index: 0,
            content_index: 0,
            part: { type: 'output_text', text: 'Whole text' },
          }),
          event({
            type: 'response.output_item.done',
            output_index: 0,
            item: { type: 'message', content: [] },
          }),
          event({
            type: 'response.output_item.added',
            output_index: 1,
            item: {
              type: 'function_call',
              call_id: 'call_1',
              name: 'f',
              arguments: '',
            },
          }),
          event({
            type: 'response.function_call_arguments.done',
            output_index: 1,
            arguments: '{"a":1}',
          }),
          event({
            type: 'response.output_item.done',
            output_index: 1,
            item: {
              type: 'function_call',
              call_id: 'call_1',
              name: 'f',
              arguments: '{"a":1}',
            },
          }),
          event({
            type: 'response.output_item.added',
            output_index: 2,
            item: { type: 'reasoning', summary: [] },
          }),
          event({
            type: 'response.output_item.done',
            output_index: 2,
            item: {
              type: 'reasoning',
              summary: [{ type: 'summary_text', text: 'Thought.' }],
            },
          }),
          completed(),
        ]),
      ).toEqual([
        { type: 'start' },
        ...textBlock('text-0', 'Whole text'),
        ...callBlock('call_1', 'f', '{"a":1}'),
        ...reasoningBlock('reasoning-1', ['Thought.']),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('reads a message that came whole in output_item.done', () => {
      expect(
        read([
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: { type: 'message', content: [] },
          }),
          event({
            type: 'response.output_item.done',
            output_index: 0,
            item: {
              type: 'message',
              content: [
                { type: 'output_text', text: 'One.' },
                { type: 'output_text', text: 'Two.' },
              ],
            },
          }),
          completed(),
        ]),
      ).toEqual([
        { type: 'start' },
        ...textBlock('text-0', 'One.'),
        ...textBlock('text-1', 'Two.'),
        { type: 'finish', reason: 'stop' },
      ]);
    });

    it('reads the output of a response.completed that came without item events', () => {
      expect(
        read([
          completed(
            [
              {
                type: 'message',
                content: [{ type: 'output_text', text: 'Hi' }],
              },
              {
                type: 'function_call',
                call_id: 'call_9',
                name: 'g',
                arguments: '{}',
              },
            ],
            { input_tokens: 3, output_tokens: 2 },
          ),
        ]),
      ).toEqual([
        { type: 'start', id: 'resp_x', model: 'm' },
        ...textBlock('text-0', 'Hi'),
        ...callBlock('call_9', 'g', '{}'),
        {
          type: 'finish',
          reason: 'tool-calls',
          usage: { inputTokens: 3, outputTokens: 2, cachedInputTokens: 0 },
        },
      ]);
    });

    it('closes an item the upstream left open when the next one is added', () => {
      expect(
        read([
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: {
              type: 'function_call',
              call_id: 'call_1',
              name: 'f',
              arguments: '{}',
            },
          }),
          event({
            type: 'response.output_item.added',
            output_index: 1,
            item: {
              type: 'function_call',
              call_id: 'call_2',
              name: 'g',
              arguments: '',
            },
          }),
          event({
            type: 'response.function_call_arguments.delta',
            output_index: 0,
            delta: 'lost',
          }),
          event({
            type: 'response.function_call_arguments.delta',
            output_index: 1,
            delta: '{}',
          }),
          completed(),
        ]),
      ).toEqual([
        { type: 'start' },
        ...callBlock('call_1', 'f', '{}'),
        ...callBlock('call_2', 'g', '{}'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('skips hosted tool items and raw reasoning text reads as reasoning', () => {
      expect(
        read([
          event({
            type: 'response.output_item.added',
            output_index: 0,
            item: { type: 'web_search_call', id: 'ws_1' },
          }),
          event({
            type: 'response.output_item.done',
            output_index: 0,
            item: { type: 'web_search_call' },
          }),
          event({
            type: 'response.output_item.added',
            output_index: 1,
            item: { type: 'reasoning', summary: [] },
          }),
          event({
            type: 'response.reasoning_text.delta',
            output_index: 1,
            content_index: 0,
            delta: 'raw thought',
          }),
          event({
            type: 'response.output_item.done',
            output_index: 1,
            item: {
              type: 'reasoning',
              content: [{ type: 'reasoning_text', text: 'raw thought' }],
            },
          }),
          event({
            type: 'response.incomplete',
            response: {
              status: 'incomplete',
              incomplete_details: { reason: 'content_filter' },
            },
          }),
        ]),
      ).toEqual([
        { type: 'start' },
        ...reasoningBlock('reasoning-0', ['raw thought']),
        { type: 'finish', reason: 'content-filter' },
      ]);
    });

    it('reads an error event of the flat shape, then nothing more', () => {
      const reader = new ResponsesStreamReader();
      expect(
        reader.push(
          event({ type: 'error', code: 'server_error', message: 'Oops' }),
        ),
      ).toEqual([{ type: 'error', message: 'Oops', code: 'server_error' }]);
      expect(reader.push(completed())).toEqual([]);
      expect(reader.end()).toEqual([]);
    });

    it('skips data that is no JSON object', () => {
      const reader = new ResponsesStreamReader();
      expect(reader.push({ data: '[DONE]' })).toEqual([]);
    });
  });
});
