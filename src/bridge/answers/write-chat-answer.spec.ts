import type { StreamPart } from '../ir';
import { checkChatStream } from './__fixtures__/grammar';
import { callBlock, reasoningBlock, textBlock } from './__fixtures__/parts';
import { testIds } from './__fixtures__/replay';
import { ChatStreamWriter, writeChatAnswer } from './write-chat-answer';
import type { WriterContext } from './writer-context';

const context = (includeUsage = true): WriterContext => ({
  model: 'gpt-5.4',
  ids: testIds(1767225600),
  includeUsage,
});

const usage = {
  inputTokens: 45,
  outputTokens: 25,
  cachedInputTokens: 32,
  reasoningTokens: 8,
};

describe('writeChatAnswer', () => {
  it('writes a text answer with usage', () => {
    expect(
      writeChatAnswer(
        {
          id: 'resp_abc',
          model: 'gpt-5.4-2026-03-01',
          content: [{ type: 'text', text: 'Hello!' }],
          finishReason: 'stop',
          usage,
          copilotUsage: { total_nano_aiu: 9 },
        },
        context(),
      ),
    ).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'gpt-5.4-2026-03-01',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 45,
        completion_tokens: 25,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 32 },
        completion_tokens_details: { reasoning_tokens: 8 },
      },
      copilot_usage: { total_nano_aiu: 9 },
    });
  });

  it('writes text, reasoning and parallel tool calls, empty arguments as "{}"', () => {
    expect(
      writeChatAnswer(
        {
          content: [
            {
              type: 'reasoning',
              text: 'Plan.',
              encrypted: 'gAAA',
              id: 'rs_7',
            },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_a', name: 'ls', arguments: '' },
            {
              type: 'tool-call',
              id: 'call_b',
              name: 'cat',
              arguments: '{"path":"a"}',
            },
          ],
          finishReason: 'tool-calls',
        },
        context(),
      ),
    ).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1767225600,
      model: 'gpt-5.4',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Checking.',
            reasoning_text: 'Plan.',
            reasoning_opaque: 'gAAA@rs_7',
            tool_calls: [
              {
                id: 'call_a',
                type: 'function',
                function: { name: 'ls', arguments: '{}' },
              },
              {
                id: 'call_b',
                type: 'function',
                function: { name: 'cat', arguments: '{"path":"a"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
    });
  });

  it('writes a null content when there is no text, and length stops', () => {
    const answer = writeChatAnswer(
      { content: [], finishReason: 'length' },
      context(),
    );
    expect(answer.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null },
        finish_reason: 'length',
        logprobs: null,
      },
    ]);
  });
});

describe('ChatStreamWriter', () => {
  function run(parts: StreamPart[], writer = new ChatStreamWriter(context())) {
    const pieces = parts.map((part) => writer.write(part));
    const end = writer.end();
    return { pieces, end, output: pieces.join('') + end };
  }
  const chunk = (delta: object, finish: string | null = null, model = 'm-1') =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1767225600,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;

  it('writes the exact chunks of a text answer, the usage chunk and [DONE]', () => {
    const { output, end } = run([
      { type: 'start', model: 'm-1' },
      ...textBlock('t', 'Hi', ' there'),
      {
        type: 'finish',
        reason: 'stop',
        usage,
        copilotUsage: { total_nano_aiu: 3 },
      },
    ]);
    expect(output).toBe(
      chunk({ role: 'assistant', content: '' }) +
        chunk({ content: 'Hi' }) +
        chunk({ content: ' there' }) +
        chunk({}, 'stop') +
        `data: ${JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion.chunk',
          created: 1767225600,
          model: 'm-1',
          choices: [],
          usage: {
            prompt_tokens: 45,
            completion_tokens: 25,
            total_tokens: 70,
            prompt_tokens_details: { cached_tokens: 32 },
            completion_tokens_details: { reasoning_tokens: 8 },
          },
          copilot_usage: { total_nano_aiu: 3 },
        })}\n\n` +
        'data: [DONE]\n\n',
    );
    expect(end).toBe('');
  });

  it('writes no usage chunk when the client did not ask', () => {
    const { output } = run(
      [{ type: 'start' }, { type: 'finish', reason: 'stop', usage }],
      new ChatStreamWriter(context(false)),
    );
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.usage).toBeUndefined();
  });

  it('writes no usage chunk when the upstream gave no usage', () => {
    const { output } = run([
      { type: 'start' },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(output).not.toContain('"choices":[]');
    expect(checkChatStream(output).problems).toEqual([]);
  });

  it('writes tool calls by index from 0, arguments under their index, "{}" for none', () => {
    const { output, pieces } = run([
      { type: 'start' },
      ...textBlock('t', 'Checking.'),
      ...callBlock('call_a', 'weather', '{"city":', '"Oslo"}'),
      ...callBlock('call_b', 'ls'),
      { type: 'finish', reason: 'tool-calls' },
    ]);
    expect(pieces[4]).toBe(
      chunk(
        {
          tool_calls: [
            {
              index: 0,
              id: 'call_a',
              type: 'function',
              function: { name: 'weather', arguments: '' },
            },
          ],
        },
        null,
        'gpt-5.4',
      ),
    );
    expect(pieces[5]).toBe(
      chunk(
        { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
        null,
        'gpt-5.4',
      ),
    );
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.text).toBe('Checking.');
    expect(result.toolCalls).toEqual([
      { id: 'call_a', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_b', name: 'ls', arguments: '{}' },
    ]);
    expect(result.finishReason).toBe('tool_calls');
  });

  it("writes reasoning in Copilot's reasoning_text and reasoning_opaque", () => {
    const { output } = run([
      ...reasoningBlock('r', ['Let me', ' think'], {
        encrypted: 'gAAA',
        itemId: 'Zk9v',
      }),
      ...reasoningBlock('r2', ['Unsigned']),
      { type: 'finish', reason: 'stop' },
    ]);
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.reasoning).toBe('Let me thinkUnsigned');
    expect(result.opaque).toEqual(['gAAA@Zk9v']);
  });

  it('writes a finish with nothing before it as a valid stream', () => {
    const { output } = run([{ type: 'finish', reason: 'content-filter' }]);
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.finishReason).toBe('content_filter');
  });

  it('closes what is owed at end() when no finish came', () => {
    const { output, end } = run([
      { type: 'start' },
      ...callBlock('c', 'f').slice(0, 1),
    ]);
    expect(end).toContain('[DONE]');
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.toolCalls).toEqual([{ id: 'c', name: 'f', arguments: '{}' }]);
  });

  it('ignores deltas and ends for a call that is not open', () => {
    const { output } = run([
      { type: 'tool-call-delta', id: 'ghost', delta: '{}' },
      { type: 'tool-call-end', id: 'ghost' },
      { type: 'finish', reason: 'stop' },
    ]);
    const result = checkChatStream(output);
    expect(result.problems).toEqual([]);
    expect(result.toolCalls).toEqual([]);
  });

  it.each([
    [{ message: 'Upstream timed out' }, 'server_error', null],
    [
      { message: 'Slow down', code: 'rate_limited' },
      'rate_limit_error',
      'rate_limited',
    ],
    [{ message: 'Bad', status: 400 }, 'invalid_request_error', null],
  ])(
    'writes an error as OpenAI error data without [DONE] (%p)',
    (error, type, code) => {
      const writer = new ChatStreamWriter(context());
      writer.write({ type: 'start' });
      expect(writer.write({ type: 'error', ...error })).toBe(
        `data: ${JSON.stringify({ error: { message: error.message, type, code } })}\n\n`,
      );
      expect(writer.write({ type: 'finish', reason: 'stop' })).toBe('');
      expect(writer.end()).toBe('');
    },
  );

  it('writes an error before anything as the only event', () => {
    const { output } = run([{ type: 'error', message: 'Nope' }]);
    expect(output).toBe(
      'data: {"error":{"message":"Nope","type":"server_error","code":null}}\n\n',
    );
    expect(checkChatStream(output).problems).toEqual([]);
  });
});
