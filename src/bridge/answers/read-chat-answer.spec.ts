import type { SseEvent, StreamPart } from '../ir';
import { callBlock, reasoningBlock, textBlock } from './__fixtures__/parts';
import { loadFixture, readParts } from './__fixtures__/replay';
import { ChatStreamReader, readChatAnswer } from './read-chat-answer';

const SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

describe('readChatAnswer', () => {
  it("reads Copilot's text answer with filter results and usage", () => {
    expect(
      readChatAnswer({
        choices: [
          {
            finish_reason: 'stop',
            index: 0,
            content_filter_results: SAFE,
            message: { content: 'Hi there!', role: 'assistant' },
          },
        ],
        created: 1767225600,
        id: 'chatcmpl-DEqoxtV6',
        model: 'gpt-4.1-2025-04-14',
        prompt_filter_results: [
          { content_filter_results: SAFE, prompt_index: 0 },
        ],
        usage: {
          completion_tokens: 4,
          prompt_tokens: 57,
          prompt_tokens_details: { cached_tokens: 32 },
          total_tokens: 61,
        },
        copilot_usage: { total_nano_aiu: 1200 },
      }),
    ).toEqual({
      id: 'chatcmpl-DEqoxtV6',
      model: 'gpt-4.1-2025-04-14',
      content: [{ type: 'text', text: 'Hi there!' }],
      finishReason: 'stop',
      usage: { inputTokens: 57, outputTokens: 4, cachedInputTokens: 32 },
      copilotUsage: { total_nano_aiu: 1200 },
    });
  });

  it('reads text and tool calls that Copilot split over two choices (Claude)', () => {
    expect(
      readChatAnswer({
        choices: [
          {
            finish_reason: 'stop',
            index: 0,
            message: { content: 'Let me check.', role: 'assistant' },
          },
          {
            finish_reason: 'tool_calls',
            index: 1,
            message: {
              role: 'assistant',
              tool_calls: [
                {
                  function: { arguments: '{"city":"Paris"}', name: 'weather' },
                  id: 'toolu_01',
                  type: 'function',
                },
              ],
            },
          },
        ],
        id: 'msg_vrtx_01',
        model: 'claude-sonnet-4.5',
      }),
    ).toEqual({
      id: 'msg_vrtx_01',
      model: 'claude-sonnet-4.5',
      content: [
        { type: 'text', text: 'Let me check.' },
        {
          type: 'tool-call',
          id: 'toolu_01',
          name: 'weather',
          arguments: '{"city":"Paris"}',
        },
      ],
      finishReason: 'tool-calls',
    });
  });

  it('reads parallel tool calls, one with empty arguments, and a null content', () => {
    expect(
      readChatAnswer({
        choices: [
          {
            finish_reason: 'tool_calls',
            index: 0,
            message: {
              content: null,
              role: 'assistant',
              tool_calls: [
                {
                  function: { arguments: '', name: 'list_files' },
                  id: 'call_a',
                  type: 'function',
                },
                {
                  function: { arguments: '{"zone":"UTC"}', name: 'get_time' },
                  id: 'call_b',
                  type: 'function',
                },
              ],
            },
          },
        ],
        id: 'chatcmpl-1',
      }),
    ).toEqual({
      id: 'chatcmpl-1',
      content: [
        { type: 'tool-call', id: 'call_a', name: 'list_files', arguments: '' },
        {
          type: 'tool-call',
          id: 'call_b',
          name: 'get_time',
          arguments: '{"zone":"UTC"}',
        },
      ],
      finishReason: 'tool-calls',
    });
  });

  it("reads Copilot's reasoning_text and reasoning_opaque first", () => {
    expect(
      readChatAnswer({
        choices: [
          {
            finish_reason: 'stop',
            index: 0,
            message: {
              content: '391',
              reasoning_opaque: 'EqQBCkgI',
              reasoning_text: '17 × 23 = 391',
              role: 'assistant',
            },
          },
        ],
      }).content,
    ).toEqual([
      { type: 'reasoning', text: '17 × 23 = 391', signature: 'EqQBCkgI' },
      { type: 'text', text: '391' },
    ]);
    expect(
      readChatAnswer({
        choices: [
          {
            finish_reason: 'stop',
            message: { content: 'ok', reasoning_opaque: 'sig' },
          },
        ],
      }).content,
    ).toEqual([
      { type: 'reasoning', text: '', signature: 'sig' },
      { type: 'text', text: 'ok' },
    ]);
  });

  it('names a tool call the upstream gave no id, and infers the reason', () => {
    expect(
      readChatAnswer({
        id: 'chatcmpl-9',
        choices: [
          {
            message: {
              content: [
                { type: 'text', text: 'a' },
                { type: 'text', text: 'b' },
              ],
              tool_calls: [{ function: { name: 'f', arguments: { x: 1 } } }],
            },
          },
        ],
      }),
    ).toEqual({
      id: 'chatcmpl-9',
      content: [
        { type: 'text', text: 'ab' },
        {
          type: 'tool-call',
          id: 'call_chatcmpl-9_0',
          name: 'f',
          arguments: '{"x":1}',
        },
      ],
      finishReason: 'tool-calls',
    });
  });

  it('reads length and content_filter stops', () => {
    const reason = (finish_reason: string) =>
      readChatAnswer({
        choices: [{ finish_reason, message: { content: 'x' } }],
      }).finishReason;
    expect(reason('length')).toBe('length');
    expect(reason('content_filter')).toBe('content-filter');
  });
});

describe('ChatStreamReader', () => {
  const fixture = (name: string) =>
    readParts(new ChatStreamReader(), [loadFixture(name).bytes]);

  it('reads a text stream after the prompt-filter event, usage in its own chunk', () => {
    expect(fixture('chat-text')).toEqual([
      {
        type: 'start',
        id: 'chatcmpl-CzT7dq0Xb2Yx',
        model: 'gpt-4.1-2025-04-14',
      },
      ...textBlock('text-0', 'Bonjour', ' à toi 👋', ', ça va ?'),
      {
        type: 'finish',
        reason: 'stop',
        usage: { inputTokens: 31, outputTokens: 9, cachedInputTokens: 0 },
        copilotUsage: {
          token_details: [
            {
              batch_size: 1000000,
              cost_per_batch: 2000000000000,
              token_count: 31,
              token_type: 'input',
            },
            {
              batch_size: 1000000,
              cost_per_batch: 8000000000000,
              token_count: 9,
              token_type: 'output',
            },
          ],
          total_nano_aiu: 134000,
        },
      },
    ]);
  });

  it('reads one tool call, finish and usage in one chunk', () => {
    expect(fixture('chat-tool-call')).toEqual([
      {
        type: 'start',
        id: 'msg_vrtx_01Hq9cPzYtK3',
        model: 'claude-sonnet-4.5',
      },
      ...callBlock(
        'toolu_vrtx_01QkF5',
        'get_weather',
        '{"city": ',
        '"Zürich"}',
      ),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 1834, outputTokens: 57, cachedInputTokens: 1536 },
      },
    ]);
  });

  it('serialises interleaved parallel tool calls: the first live, the second after it', () => {
    expect(fixture('chat-parallel-tool-calls')).toEqual([
      {
        type: 'start',
        id: 'chatcmpl-CzT9pAr4llel',
        model: 'gpt-4.1-2025-04-14',
      },
      ...callBlock(
        'call_9pQ2WeatherParis',
        'get_weather',
        '{"city":',
        '"Paris"}',
      ),
      ...callBlock('call_7xR4TimeTokyo', 'get_time', '{"zone":"Asia/Tokyo"}'),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 97, outputTokens: 48, cachedInputTokens: 64 },
      },
    ]);
  });

  it('reads text then a tool call', () => {
    expect(fixture('chat-text-then-tool')).toEqual([
      {
        type: 'start',
        id: 'msg_vrtx_01TextThenTool',
        model: 'claude-sonnet-4.5',
      },
      ...textBlock('text-0', "I'll look that up", ' for you.'),
      ...callBlock(
        'toolu_vrtx_01SeArch',
        'search_docs',
        '{"query":"SSE retry"}',
      ),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 2210, outputTokens: 41, cachedInputTokens: 0 },
      },
    ]);
  });

  it('reads a tool call with empty arguments as a call without deltas', () => {
    expect(fixture('chat-tool-empty-args')).toEqual([
      {
        type: 'start',
        id: 'chatcmpl-CzTEmptyArgs',
        model: 'gpt-4.1-2025-04-14',
      },
      ...callBlock('call_ListFiles01', 'list_files'),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: { inputTokens: 60, outputTokens: 11, cachedInputTokens: 0 },
      },
    ]);
  });

  it('finishes without usage when the upstream sent none', () => {
    expect(fixture('chat-no-usage')).toEqual([
      { type: 'start', id: 'chatcmpl-CzTNoUsage', model: 'gpt-4.1-2025-04-14' },
      ...textBlock('text-0', 'Done.'),
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('ends in an error part at a mid-stream error, with no finish', () => {
    expect(fixture('chat-error')).toEqual([
      { type: 'start', id: 'chatcmpl-CzTError', model: 'gpt-4.1-2025-04-14' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Partial ans' },
      {
        type: 'error',
        message: 'upstream request timed out',
        code: 'upstream_timeout',
      },
    ]);
  });

  it("reads Claude's reasoning, signed by reasoning_opaque, then text", () => {
    expect(fixture('chat-claude-reasoning')).toEqual([
      {
        type: 'start',
        id: 'msg_vrtx_01ReasonClaude',
        model: 'claude-sonnet-4.5',
      },
      ...reasoningBlock(
        'reasoning-0',
        ['The user asks for 17 × 23.', ' 17 × 20 = 340, 17 × 3 = 51, so 391.'],
        { signature: 'EqQBCkgIBxABGAIqQK9vSig/Xf3+uT8==' },
      ),
      ...textBlock('text-1', '17 × 23 = **391**.'),
      {
        type: 'finish',
        reason: 'stop',
        usage: { inputTokens: 412, outputTokens: 88, cachedInputTokens: 0 },
      },
    ]);
  });

  it("reads Gemini's reasoning, signature with the first call, the last usage only", () => {
    expect(fixture('chat-gemini-reasoning-tools')).toEqual([
      {
        type: 'start',
        id: 'OdwyabKMI9yel7oPlbzgwQM',
        model: 'gemini-3-pro-preview',
      },
      ...reasoningBlock(
        'reasoning-0',
        [
          '**Reading the project**\n\nI need the README and the build file.\n\n',
        ],
        { signature: '4CUQ6696CwSXOdQ5rtvDimqA91tBzfmga4ieRbmZ5P67T2NLW3' },
      ),
      ...callBlock('call_abc123', 'read_file', '{"filePath":"/README.md"}'),
      ...callBlock('call_def456', 'read_file', '{"filePath":"/mix.exs"}'),
      {
        type: 'finish',
        reason: 'tool-calls',
        usage: {
          inputTokens: 19581,
          outputTokens: 53,
          cachedInputTokens: 17068,
          reasoningTokens: 134,
        },
      },
    ]);
  });

  it('puts a signature that comes after its reasoning closed in an empty reasoning block last', () => {
    expect(fixture('chat-late-opaque')).toEqual([
      {
        type: 'start',
        id: 'Ptc2afqsCIHqlOoP653UiAI',
        model: 'gemini-3-pro-preview',
      },
      ...reasoningBlock('reasoning-0', [
        '**Who am I?**\n\nThe user wants an introduction.\n\n',
      ]),
      ...textBlock(
        'text-1',
        'I am a coding assistant.\n\n',
        'How can I help you?',
      ),
      ...reasoningBlock('reasoning-2', [], {
        signature: '/PMlTqxqSJZnUBDHgnnJKLVI4eZQ',
      }),
      {
        type: 'finish',
        reason: 'stop',
        usage: {
          inputTokens: 5778,
          outputTokens: 59,
          cachedInputTokens: 0,
          reasoningTokens: 95,
        },
      },
    ]);
  });

  it('supplies the finish at [DONE] when no finish_reason came', () => {
    expect(fixture('chat-no-finish')).toEqual([
      {
        type: 'start',
        id: 'chatcmpl-CzTNoFinish',
        model: 'gpt-4.1-2025-04-14',
      },
      ...textBlock('text-0', 'Half a th', 'ought'),
      {
        type: 'finish',
        reason: 'stop',
        usage: { inputTokens: 12, outputTokens: 4, cachedInputTokens: 0 },
      },
    ]);
  });

  describe('edge cases', () => {
    const data = (value: unknown): SseEvent => ({
      data: JSON.stringify(value),
    });
    const chunk = (delta: unknown, extra: object = {}) =>
      data({ id: 'c1', model: 'm', choices: [{ index: 0, delta }], ...extra });
    function read(events: SseEvent[]): StreamPart[] {
      const reader = new ChatStreamReader();
      return [
        ...events.flatMap((event) => reader.push(event)),
        ...reader.end(),
      ];
    }

    it('supplies the finish at end() when neither finish_reason nor [DONE] came', () => {
      expect(
        read([
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                function: { name: 'f', arguments: '{}' },
              },
            ],
          }),
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...callBlock('call_1', 'f', '{}'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('streams a call once its name follows its id', () => {
      const reader = new ChatStreamReader();
      expect(
        reader.push(
          chunk({
            tool_calls: [
              { index: 0, id: 'call_1', function: { arguments: '{"a"' } },
            ],
          }),
        ),
      ).toEqual([{ type: 'start', id: 'c1', model: 'm' }]);
      expect(
        reader.push(
          chunk({
            tool_calls: [
              { index: 0, function: { name: 'f', arguments: ':1}' } },
            ],
          }),
        ),
      ).toEqual([
        { type: 'tool-call-start', id: 'call_1', name: 'f' },
        { type: 'tool-call-delta', id: 'call_1', delta: '{"a":1}' },
      ]);
    });

    it('keeps text that arrives during a tool call for after it', () => {
      expect(
        read([
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                function: { name: 'f', arguments: '' },
              },
            ],
          }),
          chunk({ content: 'Also, ' }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
          chunk({ content: 'done.' }),
          data({
            choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
          }),
          { data: '[DONE]' },
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...callBlock('call_1', 'f', '{}'),
        ...textBlock('text-0', 'Also, done.'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('reads text and tool calls split over choices in one stream', () => {
      expect(
        read([
          data({
            id: 'c1',
            model: 'm',
            choices: [{ index: 0, delta: { content: 'Checking.' } }],
          }),
          data({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
          data({
            choices: [
              {
                index: 1,
                delta: {
                  tool_calls: [
                    {
                      index: 0,
                      id: 'call_1',
                      function: { name: 'f', arguments: '{}' },
                    },
                  ],
                },
                finish_reason: 'tool_calls',
              },
            ],
          }),
          { data: '[DONE]' },
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...textBlock('text-0', 'Checking.'),
        ...callBlock('call_1', 'f', '{}'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('signs reasoning kept behind a tool call, and signs a block of its own when none is open', () => {
      expect(
        read([
          chunk({ reasoning_opaque: 'first' }),
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_1',
                function: { name: 'f', arguments: '{}' },
              },
            ],
          }),
          chunk({ reasoning_text: 'more thought' }),
          chunk({ reasoning_opaque: 'second' }),
          { data: '[DONE]' },
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...reasoningBlock('reasoning-0', [], { signature: 'first' }),
        ...callBlock('call_1', 'f', '{}'),
        ...reasoningBlock('reasoning-1', ['more thought'], {
          signature: 'second',
        }),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('reads calls that all come as index 0 (or none) by their ids', () => {
      expect(
        read([
          chunk({
            tool_calls: [
              { id: 'call_a', function: { name: 'f', arguments: '{"n":1}' } },
            ],
          }),
          chunk({
            tool_calls: [
              {
                index: 0,
                id: 'call_b',
                function: { name: 'g', arguments: '{"n"' },
              },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: ':2}' } }] }),
          { data: '[DONE]' },
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...callBlock('call_a', 'f', '{"n":1}'),
        ...callBlock('call_b', 'g', '{"n":2}'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('names a call that never got an id after the answer', () => {
      expect(
        read([
          chunk({
            tool_calls: [
              { index: 0, function: { name: 'f', arguments: '{}' } },
            ],
          }),
          { data: '[DONE]' },
        ]),
      ).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        ...callBlock('call_c1_0', 'f', '{}'),
        { type: 'finish', reason: 'tool-calls' },
      ]);
    });

    it('reads an error before anything else, then nothing more', () => {
      const reader = new ChatStreamReader();
      expect(
        reader.push(data({ error: { message: 'boom', type: 'server_error' } })),
      ).toEqual([{ type: 'error', message: 'boom', code: 'server_error' }]);
      expect(reader.push(chunk({ content: 'late' }))).toEqual([]);
      expect(reader.end()).toEqual([]);
    });

    it('reads a named error event and gives a message when there is none', () => {
      const reader = new ChatStreamReader();
      expect(
        reader.push({ event: 'error', data: '{"code":"overloaded"}' }),
      ).toEqual([
        {
          type: 'error',
          message: 'The upstream stream failed',
          code: 'overloaded',
        },
      ]);
    });

    it('skips data that is no JSON object, and anything after [DONE]', () => {
      const reader = new ChatStreamReader();
      expect(reader.push({ data: 'keep-alive' })).toEqual([]);
      expect(reader.push(chunk({ content: 'a' }))).toEqual([
        { type: 'start', id: 'c1', model: 'm' },
        { type: 'text-start', id: 'text-0' },
        { type: 'text-delta', id: 'text-0', delta: 'a' },
      ]);
      expect(reader.push({ data: '[DONE]' })).toEqual([
        { type: 'text-end', id: 'text-0' },
        { type: 'finish', reason: 'stop' },
      ]);
      expect(reader.push(chunk({ content: 'b' }))).toEqual([]);
      expect(reader.end()).toEqual([]);
    });

    it('finishes an empty stream with a start', () => {
      expect(read([{ data: '[DONE]' }])).toEqual([
        { type: 'start' },
        { type: 'finish', reason: 'stop' },
      ]);
    });
  });
});
