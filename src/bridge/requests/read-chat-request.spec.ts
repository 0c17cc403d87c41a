import { UntranslatableError, type BridgeNotes, type Json } from '../ir';
import chatToolLoop from './__fixtures__/chat-tool-loop.chat.json';
import { readChatRequest } from './read-chat-request';

function read(body: Json) {
  const notes: BridgeNotes = { ignored: [] };
  return { request: readChatRequest(body, notes), notes };
}

function body(extra: Json): Json {
  return {
    model: 'gpt-5.1-codex',
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  };
}

function refusal(input: Json): UntranslatableError {
  try {
    read(input);
  } catch (error) {
    if (error instanceof UntranslatableError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('readChatRequest', () => {
  it('reads an SDK tool loop whole', () => {
    const { request, notes } = read(chatToolLoop);
    expect(request).toEqual({
      model: 'gpt-5.1-codex',
      stream: true,
      includeUsage: true,
      maxOutputTokens: 4096,
      parallelToolCalls: true,
      toolChoice: { type: 'auto' },
      reasoning: { enabled: true, effort: 'medium' },
      user: 'user-1234',
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parameters: chatToolLoop.tools[0].function.parameters,
          strict: true,
        },
        {
          name: 'get_time',
          description: 'Current time.',
          parameters: { type: 'object', properties: {} },
        },
      ],
      messages: [
        {
          role: 'system',
          kind: 'system',
          content: [
            { type: 'text', text: 'You are a helpful coding assistant.' },
          ],
        },
        {
          role: 'system',
          kind: 'developer',
          content: [{ type: 'text', text: 'Answer in English.' }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: "What's the weather in Paris and Tokyo? Here is a chart.",
            },
            {
              type: 'image',
              source: 'base64',
              mediaType: 'image/png',
              data: 'iVBORw0KGgo=',
              detail: 'high',
            },
            {
              type: 'image',
              source: 'url',
              url: 'https://example.com/chart.png',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              id: 'call_abc',
              name: 'get_weather',
              arguments: '{"city":"Paris"}',
            },
            {
              type: 'tool-call',
              id: 'call_def',
              name: 'get_time',
              arguments: '{}',
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'call_abc',
          content: [{ type: 'text', text: '18°C, cloudy' }],
        },
        {
          role: 'tool',
          toolCallId: 'call_def',
          content: [{ type: 'text', text: '14:05 CET' }],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'text',
              text: 'Paris is 18°C and cloudy; it is 14:05 there.',
            },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'And Tokyo?' }] },
      ],
    });
    expect(notes.ignored).toEqual(['store', 'seed']);
  });

  it('reads text and tool calls of one assistant turn, and a refusal', () => {
    const { request } = read(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [{ type: 'text', text: 'Checking.' }],
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'ls', arguments: '{}' },
              },
            ],
          },
          {
            role: 'assistant',
            content: null,
            refusal: 'I cannot help with that.',
          },
        ],
      }),
    );
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', id: 'call_1', name: 'ls', arguments: '{}' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'I cannot help with that.' }],
      },
    ]);
  });

  it.each([
    [{ max_tokens: 100 }, 100],
    [{ max_completion_tokens: 200 }, 200],
    [{ max_tokens: 100, max_completion_tokens: 200 }, 200],
  ])('reads the token limit from %j', (extra, expected) => {
    expect(read(body(extra)).request.maxOutputTokens).toBe(expected);
  });

  it.each([
    ['END', ['END']],
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
  ])('reads stop %j', (stop, expected) => {
    expect(read(body({ stop })).request.stop).toEqual(expected);
  });

  it('reads sampling and stream usage', () => {
    expect(
      read(
        body({
          temperature: 0.5,
          top_p: 0.8,
          stream: true,
          stream_options: { include_usage: false, include_obfuscation: true },
        }),
      ),
    ).toEqual({
      request: expect.objectContaining({
        temperature: 0.5,
        topP: 0.8,
        stream: true,
        includeUsage: false,
      }),
      notes: { ignored: ['stream_options.include_obfuscation'] },
    });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'required' }],
    [
      { type: 'function', function: { name: 'ls' } },
      { type: 'tool', name: 'ls' },
    ],
  ])('reads tool_choice %j', (choice, expected) => {
    expect(read(body({ tool_choice: choice })).request.toolChoice).toEqual(
      expected,
    );
  });

  it.each([
    [
      {
        type: 'json_schema',
        json_schema: {
          name: 'title',
          schema: { type: 'object' },
          strict: true,
        },
      },
      {
        type: 'json_schema',
        name: 'title',
        schema: { type: 'object' },
        strict: true,
      },
    ],
    [
      { type: 'json_schema', json_schema: { schema: { type: 'object' } } },
      { type: 'json_schema', name: 'output', schema: { type: 'object' } },
    ],
    [{ type: 'json_object' }, { type: 'json_object' }],
    [{ type: 'text' }, undefined],
  ])('reads response_format %j', (format, expected) => {
    expect(
      read(body({ response_format: format })).request.responseFormat,
    ).toEqual(expected);
  });

  it.each([
    ['none', { enabled: false }],
    ['minimal', { enabled: true, effort: 'minimal' }],
    ['high', { enabled: true, effort: 'high' }],
    ['xhigh', { enabled: true, effort: 'xhigh' }],
  ])('reads reasoning_effort %s', (effort, expected) => {
    expect(read(body({ reasoning_effort: effort })).request.reasoning).toEqual(
      expected,
    );
  });

  it('accepts the defaults of refused fields: n 1, logprobs false, text modality', () => {
    const { request, notes } = read(
      body({ n: 1, logprobs: false, top_logprobs: 0, modalities: ['text'] }),
    );
    expect(request.messages).toHaveLength(1);
    expect(notes.ignored).toEqual([]);
  });

  it('notes the penalties, store and the other hints once each', () => {
    const { notes } = read(
      body({
        presence_penalty: 0.5,
        frequency_penalty: 0,
        logit_bias: { '50256': -100 },
        store: true,
        metadata: { a: 'b' },
        seed: 1,
        service_tier: 'auto',
        prompt_cache_key: 'k',
        safety_identifier: 's',
        verbosity: 'low',
        messages: [
          { role: 'system', content: 'a', name: 'boss' },
          { role: 'user', content: 'b', name: 'ann' },
          { role: 'assistant', content: 'c', reasoning_text: 'hmm' },
        ],
      }),
    );
    expect(notes.ignored).toEqual([
      'presence_penalty',
      'frequency_penalty',
      'logit_bias',
      'store',
      'metadata',
      'seed',
      'service_tier',
      'prompt_cache_key',
      'safety_identifier',
      'verbosity',
      'messages[].name',
    ]);
  });

  it.each([
    [{ n: 2 }, 'n', 'several choices per request'],
    [{ logprobs: true }, 'logprobs', 'log probabilities'],
    [{ top_logprobs: 3 }, 'top_logprobs', 'log probabilities'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio', 'audio output'],
    [{ modalities: ['text', 'audio'] }, 'modalities', 'audio output'],
    [
      { prediction: { type: 'content', content: 'x' } },
      'prediction',
      'predicted outputs',
    ],
    [{ web_search_options: {} }, 'web_search_options', 'Chat web search'],
    [{ functions: [{ name: 'f' }] }, 'functions', 'legacy `functions`'],
    [{ function_call: 'auto' }, 'function_call', 'legacy `function_call`'],
    [
      { messages: [{ role: 'function', name: 'f', content: 'x' }] },
      'messages[0].role',
      'legacy function messages',
    ],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'input_audio',
                input_audio: { data: 'x', format: 'wav' },
              },
            ],
          },
        ],
      },
      'messages[0].content[0]',
      'input_audio content parts',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] },
        ],
      },
      'messages[0].content[0]',
      'file content parts',
    ],
    [
      {
        messages: [
          { role: 'assistant', content: null, audio: { id: 'audio_1' } },
        ],
      },
      'messages[0].audio',
      'audio answers',
    ],
    [
      {
        messages: [
          {
            role: 'assistant',
            content: null,
            function_call: { name: 'f', arguments: '{}' },
          },
        ],
      },
      'messages[0].function_call',
      'legacy function calls',
    ],
    [
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c', type: 'custom', custom: { name: 'x', input: 'y' } },
            ],
          },
        ],
      },
      'messages[0].tool_calls[0].type',
      'custom tool calls',
    ],
    [
      { tools: [{ type: 'custom', custom: { name: 'x' } }] },
      'tools[0]',
      'custom tools',
    ],
    [
      {
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'auto', tools: [] },
        },
      },
      'tool_choice',
      'tool choice of type allowed_tools',
    ],
  ])('refuses %j, naming %s', (extra, field, what) => {
    const error = refusal(body(extra));
    expect(error.field).toBe(field);
    expect(error.message).toContain(`has no ${what}`);
    expect(error.message).toContain(
      'model gpt-5.1-codex is not served on /chat/completions',
    );
  });

  it.each([
    [
      {
        messages: [
          {
            role: 'assistant',
            tool_calls: [
              { type: 'function', function: { name: 'ls', arguments: '{}' } },
            ],
          },
        ],
      },
      'messages[0].tool_calls[0].id',
    ],
    [
      { messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id',
    ],
    [
      {
        messages: [
          {
            role: 'system',
            content: [{ type: 'image_url', image_url: { url: 'x' } }],
          },
        ],
      },
      'messages[0].content[0].type',
    ],
    [{ messages: [{ role: 'critic', content: 'x' }] }, 'messages[0].role'],
    [{ response_format: { type: 'grammar' } }, 'response_format.type'],
    [{ reasoning_effort: 'extreme' }, 'reasoning_effort'],
    [{ stop: [1] }, 'stop[0]'],
  ])('refuses malformed %j, naming %s', (extra, field) => {
    expect(refusal(body(extra)).field).toBe(field);
  });

  it('says why a tool call without id is refused', () => {
    expect(
      refusal(
        body({
          messages: [
            { role: 'assistant', tool_calls: [{ function: { name: 'ls' } }] },
          ],
        }),
      ).message,
    ).toBe(
      'messages[0].tool_calls[0].id: a tool call needs its id: the tool message that answers it names that id',
    );
  });

  it('reads the reasoning a Copilot-aware client sends back first in the turn, a packed token unpacked', () => {
    const { request, notes } = read(
      body({
        messages: [
          { role: 'user', content: 'List. ' },
          {
            role: 'assistant',
            content: null,
            reasoning_text: 'Plan.',
            reasoning_opaque: 'gAAAAABenc@Yk9w',
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'Bash', arguments: '{}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'a.txt' },
        ],
      }),
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        {
          type: 'reasoning',
          text: 'Plan.',
          encrypted: 'gAAAAABenc',
          id: 'Yk9w',
        },
        { type: 'tool-call', id: 'call_1', name: 'Bash', arguments: '{}' },
      ],
    });
    expect(notes.ignored).toEqual([]);
  });
});
