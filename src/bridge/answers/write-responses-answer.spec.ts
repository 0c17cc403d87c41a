import type { StreamPart } from '../ir';
import { checkResponsesStream } from './__fixtures__/grammar';
import { callBlock, reasoningBlock, textBlock } from './__fixtures__/parts';
import { testIds } from './__fixtures__/replay';
import {
  ResponsesStreamWriter,
  writeResponsesAnswer,
} from './write-responses-answer';
import type { WriterContext } from './writer-context';

const context = (): WriterContext => ({
  model: 'claude-sonnet-4.5',
  ids: testIds(1767225600),
  includeUsage: false,
});

const usage = { inputTokens: 1834, outputTokens: 57, cachedInputTokens: 1536 };
const responsesUsage = {
  input_tokens: 1834,
  input_tokens_details: { cached_tokens: 1536 },
  output_tokens: 57,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 1891,
};

describe('writeResponsesAnswer', () => {
  it('writes reasoning, text and parallel calls as output items, empty arguments as "{}"', () => {
    expect(
      writeResponsesAnswer(
        {
          id: 'msg_vrtx_01',
          model: 'claude-sonnet-4.5',
          content: [
            { type: 'reasoning', text: 'Two lookups.', signature: 'opaque-1' },
            { type: 'text', text: 'Checking ' },
            { type: 'text', text: 'both.' },
            { type: 'tool-call', id: 'toolu_a', name: 'ls', arguments: '' },
            {
              type: 'tool-call',
              id: 'toolu_b',
              name: 'cat',
              arguments: '{"path":"a"}',
            },
          ],
          finishReason: 'tool-calls',
          usage,
          copilotUsage: { total_nano_aiu: 11 },
        },
        context(),
      ),
    ).toEqual({
      id: 'resp_5',
      object: 'response',
      created_at: 1767225600,
      status: 'completed',
      error: null,
      incomplete_details: null,
      model: 'claude-sonnet-4.5',
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'Two lookups.' }],
          encrypted_content: 'opaque-1',
        },
        {
          id: 'msg_2',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'Checking ', annotations: [] },
            { type: 'output_text', text: 'both.', annotations: [] },
          ],
        },
        {
          id: 'fc_3',
          type: 'function_call',
          status: 'completed',
          arguments: '{}',
          call_id: 'toolu_a',
          name: 'ls',
        },
        {
          id: 'fc_4',
          type: 'function_call',
          status: 'completed',
          arguments: '{"path":"a"}',
          call_id: 'toolu_b',
          name: 'cat',
        },
      ],
      usage: responsesUsage,
      copilot_usage: { total_nano_aiu: 11 },
    });
  });

  it('writes a length stop as incomplete, without usage as null', () => {
    expect(
      writeResponsesAnswer(
        { content: [{ type: 'text', text: 'Once' }], finishReason: 'length' },
        context(),
      ),
    ).toEqual({
      id: 'resp_2',
      object: 'response',
      created_at: 1767225600,
      status: 'incomplete',
      error: null,
      incomplete_details: { reason: 'max_output_tokens' },
      model: 'claude-sonnet-4.5',
      output: [
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Once', annotations: [] }],
        },
      ],
      usage: null,
    });
  });

  it('writes a reasoning without text or token as an empty summary', () => {
    expect(
      writeResponsesAnswer(
        { content: [{ type: 'reasoning', text: '' }], finishReason: 'stop' },
        context(),
      ).output,
    ).toEqual([{ id: 'rs_1', type: 'reasoning', summary: [] }]);
  });
});

describe('ResponsesStreamWriter', () => {
  function run(
    parts: StreamPart[],
    writer = new ResponsesStreamWriter(context()),
  ) {
    const pieces = parts.map((part) => writer.write(part));
    const end = writer.end();
    return { pieces, end, output: pieces.join('') + end };
  }

  it('writes the exact event sequence of a text answer', () => {
    const { output, end } = run([
      { type: 'start', model: 'claude-sonnet-4.5' },
      ...textBlock('t', 'Hi'),
      { type: 'finish', reason: 'stop', usage },
    ]);
    const response = (status: string, output: object[], rest: object = {}) => ({
      id: 'resp_1',
      object: 'response',
      created_at: 1767225600,
      status,
      error: null,
      incomplete_details: null,
      model: 'claude-sonnet-4.5',
      output,
      usage: null,
      ...rest,
    });
    const part = { type: 'output_text', text: 'Hi', annotations: [] };
    const item = {
      id: 'msg_2',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [part],
    };
    const events = [
      { type: 'response.created', response: response('in_progress', []) },
      { type: 'response.in_progress', response: response('in_progress', []) },
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', content: [] },
      },
      {
        type: 'response.content_part.added',
        item_id: 'msg_2',
        output_index: 0,
        content_index: 0,
        part: { ...part, text: '' },
      },
      {
        type: 'response.output_text.delta',
        item_id: 'msg_2',
        output_index: 0,
        content_index: 0,
        delta: 'Hi',
      },
      {
        type: 'response.output_text.done',
        item_id: 'msg_2',
        output_index: 0,
        content_index: 0,
        text: 'Hi',
      },
      {
        type: 'response.content_part.done',
        item_id: 'msg_2',
        output_index: 0,
        content_index: 0,
        part,
      },
      { type: 'response.output_item.done', output_index: 0, item },
      {
        type: 'response.completed',
        response: response('completed', [item], { usage: responsesUsage }),
      },
    ];
    expect(output).toBe(
      events
        .map(({ type, ...rest }, sequence_number) =>
          [
            `event: ${type}`,
            `data: ${JSON.stringify({ type, sequence_number, ...rest })}`,
            '',
            '',
          ].join('\n'),
        )
        .join(''),
    );
    expect(end).toBe('');
  });

  it('writes reasoning, text and parallel calls, each item added then done', () => {
    const { output } = run([
      { type: 'start' },
      ...reasoningBlock('r', ['Two', ' lookups.'], { signature: 'opaque-1' }),
      ...textBlock('t', 'Checking.'),
      ...callBlock('toolu_a', 'weather', '{"city":', '"Oslo"}'),
      ...callBlock('toolu_b', 'ls'),
      { type: 'finish', reason: 'tool-calls', usage },
    ]);
    const result = checkResponsesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.terminal).toBe('response.completed');
    expect(result.items).toEqual([
      {
        id: 'rs_2',
        type: 'reasoning',
        summary: [{ type: 'summary_text', text: 'Two lookups.' }],
        encrypted_content: 'opaque-1',
      },
      {
        id: 'msg_3',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
      },
      {
        id: 'fc_4',
        type: 'function_call',
        status: 'completed',
        arguments: '{"city":"Oslo"}',
        call_id: 'toolu_a',
        name: 'weather',
      },
      {
        id: 'fc_5',
        type: 'function_call',
        status: 'completed',
        arguments: '{}',
        call_id: 'toolu_b',
        name: 'ls',
      },
    ]);
    expect(result.final?.usage).toEqual(responsesUsage);
  });

  it('writes a length stop as response.incomplete with max_output_tokens', () => {
    const { output } = run([
      ...textBlock('t', 'Once'),
      { type: 'finish', reason: 'length' },
    ]);
    const result = checkResponsesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.terminal).toBe('response.incomplete');
    expect(result.final?.incomplete_details).toEqual({
      reason: 'max_output_tokens',
    });
    expect(result.final?.usage).toBeNull();
  });

  it('always ends a success with output_item.done and response.completed, whatever came', () => {
    for (const parts of [
      [] as StreamPart[],
      [{ type: 'text-delta', id: 't', delta: 'no start' }] as StreamPart[],
      [{ type: 'reasoning-end', id: 'r', encrypted: 'e' }] as StreamPart[],
      [{ type: 'tool-call-start', id: 'c', name: 'f' }] as StreamPart[],
    ]) {
      const result = checkResponsesStream(run(parts).output);
      expect(result.problems).toEqual([]);
      expect(result.terminal).toBe('response.completed');
      expect(
        result.types.filter((t) => t === 'response.output_item.done'),
      ).toHaveLength(parts.length);
    }
  });

  it('ignores deltas and ends for a call that is not open', () => {
    const { output } = run([
      { type: 'tool-call-delta', id: 'ghost', delta: '{}' },
      { type: 'tool-call-end', id: 'ghost' },
      { type: 'text-end', id: 'ghost' },
      { type: 'finish', reason: 'stop' },
    ]);
    const result = checkResponsesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.items).toEqual([]);
  });

  it('writes an error as response.failed, keeping the done items, then nothing', () => {
    const writer = new ResponsesStreamWriter(context());
    const { output } = run(
      [
        { type: 'start' },
        ...callBlock('toolu_a', 'ls', '{}'),
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'partial' },
        { type: 'error', message: 'Slow down', code: 'rate_limit_exceeded' },
        { type: 'text-delta', id: 't', delta: 'late' },
        { type: 'finish', reason: 'stop' },
      ],
      writer,
    );
    const result = checkResponsesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.terminal).toBe('response.failed');
    expect(result.final?.error).toEqual({
      code: 'rate_limit_exceeded',
      message: 'Slow down',
    });
    expect(result.final?.output).toEqual([
      {
        id: 'fc_2',
        type: 'function_call',
        status: 'completed',
        arguments: '{}',
        call_id: 'toolu_a',
        name: 'ls',
      },
    ]);
    expect(writer.end()).toBe('');
  });

  it('writes an error before anything after response.created, code server_error when none', () => {
    const result = checkResponsesStream(
      run([{ type: 'error', message: 'Nope' }]).output,
    );
    expect(result.problems).toEqual([]);
    expect(result.types).toEqual([
      'response.created',
      'response.in_progress',
      'response.failed',
    ]);
    expect(result.final?.error).toEqual({
      code: 'server_error',
      message: 'Nope',
    });
  });
});
