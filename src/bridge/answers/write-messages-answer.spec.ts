import type { StreamPart } from '../ir';
import { checkMessagesStream } from './__fixtures__/grammar';
import { callBlock, reasoningBlock, textBlock } from './__fixtures__/parts';
import { testIds } from './__fixtures__/replay';
import {
  MessagesStreamWriter,
  writeMessagesAnswer,
} from './write-messages-answer';
import type { WriterContext } from './writer-context';

const context = (): WriterContext => ({
  model: 'gpt-5.4',
  ids: testIds(),
  includeUsage: false,
});

describe('writeMessagesAnswer', () => {
  it('writes a text answer, cache reads outside input_tokens', () => {
    expect(
      writeMessagesAnswer(
        {
          id: 'chatcmpl-1',
          model: 'gpt-4.1-2025-04-14',
          content: [{ type: 'text', text: 'Hello!' }],
          finishReason: 'stop',
          usage: { inputTokens: 120, outputTokens: 5, cachedInputTokens: 100 },
          copilotUsage: { total_nano_aiu: 42 },
        },
        context(),
      ),
    ).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4.1-2025-04-14',
      content: [{ type: 'text', text: 'Hello!' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 20,
        output_tokens: 5,
        cache_read_input_tokens: 100,
      },
      copilot_usage: { total_nano_aiu: 42 },
    });
  });

  it('writes text and parallel tool uses, empty arguments as {}', () => {
    expect(
      writeMessagesAnswer(
        {
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool-call', id: 'call_a', name: 'ls', arguments: '' },
            {
              type: 'tool-call',
              id: 'call_b',
              name: 'cat',
              arguments: '{"path":"README.md"}',
            },
          ],
          finishReason: 'tool-calls',
          usage: { inputTokens: 10, outputTokens: 7, cachedInputTokens: 0 },
        },
        context(),
      ),
    ).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5.4',
      content: [
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_a', name: 'ls', input: {} },
        {
          type: 'tool_use',
          id: 'call_b',
          name: 'cat',
          input: { path: 'README.md' },
        },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 0 },
    });
  });

  it("writes thinking with the upstream's opaque token as signature, and drops empty text", () => {
    expect(
      writeMessagesAnswer(
        {
          content: [
            { type: 'reasoning', text: 'Chat thought', signature: 'opaque-1' },
            {
              type: 'reasoning',
              text: 'Responses thought',
              encrypted: 'gAAA',
              id: 'rs_7',
            },
            { type: 'reasoning', text: 'Unsigned' },
            { type: 'text', text: '' },
            { type: 'text', text: '391' },
          ],
          finishReason: 'length',
          stopSequence: undefined,
        },
        context(),
      ),
    ).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5.4',
      content: [
        { type: 'thinking', thinking: 'Chat thought', signature: 'opaque-1' },
        // Responses reasoning packed with its item id, unpacked next turn.
        {
          type: 'thinking',
          thinking: 'Responses thought',
          signature: 'gAAA@rs_7',
        },
        { type: 'thinking', thinking: 'Unsigned', signature: '' },
        { type: 'text', text: '391' },
      ],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('writes stop sequences and refusals', () => {
    const answer = writeMessagesAnswer(
      {
        content: [{ type: 'text', text: 'a' }],
        finishReason: 'stop-sequence',
        stopSequence: 'END',
      },
      context(),
    );
    expect([answer.stop_reason, answer.stop_sequence]).toEqual([
      'stop_sequence',
      'END',
    ]);
    expect(
      writeMessagesAnswer(
        { content: [], finishReason: 'content-filter' },
        context(),
      ).stop_reason,
    ).toBe('refusal');
  });
});

describe('MessagesStreamWriter', () => {
  function run(
    parts: StreamPart[],
    writer = new MessagesStreamWriter(context()),
  ) {
    const pieces = parts.map((part) => writer.write(part));
    const end = writer.end();
    return { pieces, end, output: pieces.join('') + end };
  }

  it('writes the exact Anthropic event sequence for a text answer', () => {
    const { output, end } = run([
      { type: 'start', id: 'resp_1', model: 'gpt-5.4-2026-03-01' },
      ...textBlock('t', 'Hi', ' there'),
      {
        type: 'finish',
        reason: 'stop',
        usage: { inputTokens: 30, outputTokens: 2, cachedInputTokens: 10 },
        copilotUsage: { total_nano_aiu: 7 },
      },
    ]);
    expect(output).toBe(
      [
        'event: message_start',
        'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"gpt-5.4-2026-03-01","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0}}}',
        '',
        'event: content_block_start',
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
        '',
        'event: content_block_delta',
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
        '',
        'event: content_block_delta',
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}',
        '',
        'event: content_block_stop',
        'data: {"type":"content_block_stop","index":0}',
        '',
        'event: message_delta',
        'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"output_tokens":2,"cache_read_input_tokens":10},"copilot_usage":{"total_nano_aiu":7}}',
        '',
        'event: message_stop',
        'data: {"type":"message_stop"}',
        '',
        '',
      ].join('\n'),
    );
    expect(end).toBe('');
  });

  it('writes each part as it comes, never holding text back', () => {
    const { pieces } = run([
      { type: 'start' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'streamed' },
    ]);
    expect(pieces[0]).toContain('message_start');
    expect(pieces[1]).toContain('content_block_start');
    expect(pieces[2]).toContain('"text":"streamed"');
  });

  it('writes thinking, text and tool use blocks with increasing indexes', () => {
    const { output } = run([
      { type: 'start' },
      ...reasoningBlock('r', ['Let me', ' think'], { signature: 'sig-1' }),
      ...textBlock('t', 'Checking.'),
      ...callBlock('call_1', 'weather', '{"city":', '"Oslo"}'),
      ...callBlock('call_2', 'ls'),
      { type: 'finish', reason: 'tool-calls' },
    ]);
    const result = checkMessagesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.content).toEqual([
      { type: 'thinking', thinking: 'Let me think', signature: 'sig-1' },
      { type: 'text', text: 'Checking.' },
      {
        type: 'tool_use',
        id: 'call_1',
        name: 'weather',
        input: { city: 'Oslo' },
      },
      { type: 'tool_use', id: 'call_2', name: 'ls', input: {} },
    ]);
    expect(result.stopReason).toBe('tool_use');
    expect(result.usage).toEqual({ output_tokens: 0 });
  });

  it('puts what start knew of the input in message_start', () => {
    const { output } = run([
      {
        type: 'start',
        usage: { inputTokens: 50, cachedInputTokens: 20 },
      },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(checkMessagesStream(output).message?.usage).toEqual({
      input_tokens: 30,
      output_tokens: 0,
      cache_read_input_tokens: 20,
    });
  });

  it('writes a finish with no start and no block as a valid empty message', () => {
    const { output } = run([{ type: 'finish', reason: 'length' }]);
    const result = checkMessagesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.content).toEqual([]);
    expect(result.stopReason).toBe('max_tokens');
  });

  it('opens a block for a delta without its start and closes it at the next block', () => {
    const { output } = run([
      { type: 'text-delta', id: 't1', delta: 'a' },
      { type: 'reasoning-end', id: 'r', signature: 'late' },
      { type: 'tool-call-delta', id: 'call_x', delta: 'dropped' },
      { type: 'tool-call-end', id: 'call_x' },
      { type: 'text-end', id: 'nothing-open' },
      { type: 'text-delta', id: 't2', delta: 'b' },
      { type: 'finish', reason: 'stop' },
    ]);
    const result = checkMessagesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'thinking', thinking: '', signature: 'late' },
      { type: 'text', text: 'b' },
    ]);
  });

  it('closes what is owed at end() when no finish came', () => {
    const { output, end } = run([
      { type: 'start' },
      ...textBlock('t', 'x').slice(0, 2),
    ]);
    expect(end).toContain('content_block_stop');
    const result = checkMessagesStream(output);
    expect(result.problems).toEqual([]);
    expect(result.stopReason).toBe('end_turn');
  });

  it.each([
    [{ message: 'Upstream timed out' }, 'api_error'],
    [{ message: 'Slow down', code: 'rate_limited' }, 'rate_limit_error'],
    [{ message: 'Busy', status: 529 }, 'overloaded_error'],
    [{ message: 'Bad', status: 400 }, 'invalid_request_error'],
  ])(
    'writes an error mid-block as an error event, then nothing (%p)',
    (error, type) => {
      const writer = new MessagesStreamWriter(context());
      writer.write({ type: 'start' });
      writer.write({ type: 'text-start', id: 't' });
      expect(writer.write({ type: 'error', ...error })).toBe(
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message: error.message } })}\n\n`,
      );
      expect(writer.write({ type: 'text-delta', id: 't', delta: 'late' })).toBe(
        '',
      );
      expect(writer.write({ type: 'finish', reason: 'stop' })).toBe('');
      expect(writer.end()).toBe('');
    },
  );

  it('writes an error before anything as the only event', () => {
    const { output } = run([{ type: 'error', message: 'Nope' }]);
    expect(output).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Nope"}}\n\n',
    );
    expect(checkMessagesStream(output).problems).toEqual([]);
  });
});
