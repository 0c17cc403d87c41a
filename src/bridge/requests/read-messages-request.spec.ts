import { UntranslatableError, type BridgeNotes, type Json } from '../ir';
import ccTitle from './__fixtures__/cc-title.messages.json';
import ccToolLoop from './__fixtures__/cc-tool-loop.messages.json';
import { readMessagesRequest } from './read-messages-request';

function read(body: Json) {
  const notes: BridgeNotes = { ignored: [] };
  return { request: readMessagesRequest(body, notes), notes };
}

function body(extra: Json): Json {
  return {
    model: 'gpt-4.1',
    max_tokens: 1024,
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

describe('readMessagesRequest', () => {
  it('reads a Claude Code tool loop whole', () => {
    const { request, notes } = read(ccToolLoop);
    expect(request).toEqual({
      model: 'gemini-2.5-pro',
      stream: true,
      maxOutputTokens: 32000,
      user: 'user_2f1c_account__session_9a8b',
      reasoning: { enabled: true, budgetTokens: 31999, summary: 'auto' },
      tools: [
        {
          name: 'Bash',
          description: 'Executes a bash command.',
          parameters: ccToolLoop.tools[0].input_schema,
        },
        {
          name: 'Read',
          description: 'Reads a file.',
          parameters: ccToolLoop.tools[1].input_schema,
        },
      ],
      messages: [
        {
          role: 'system',
          kind: 'system',
          content: [
            {
              type: 'text',
              text: "You are Claude Code, Anthropic's official CLI for Claude.",
            },
            {
              type: 'text',
              text: 'You are an interactive agent that helps users with software engineering tasks.',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: '<system-reminder>Skills are available.</system-reminder>',
            },
            {
              type: 'text',
              text: '<system-reminder>CLAUDE.md says: use pnpm.</system-reminder>',
            },
            {
              type: 'text',
              text: 'Which files are here, and what does the screenshot show?',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'I should list the files and look at the screenshot.',
              signature: 'EqQBCkgIBxABGAIiQLmN3Yc0sig==',
            },
            { type: 'text', text: 'Let me look.' },
            {
              type: 'tool-call',
              id: 'toolu_01A',
              name: 'Bash',
              arguments: '{"command":"ls","description":"List files"}',
            },
            {
              type: 'tool-call',
              id: 'toolu_01B',
              name: 'Read',
              arguments: '{}',
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'toolu_01A',
          content: [{ type: 'text', text: 'README.md\npackage.json' }],
        },
        {
          role: 'tool',
          toolCallId: 'toolu_01B',
          content: [
            { type: 'text', text: 'screenshot.png (12 KB)' },
            {
              type: 'image',
              source: 'base64',
              mediaType: 'image/png',
              data: 'iVBORw0KGgo=',
            },
          ],
        },
        {
          role: 'system',
          kind: 'system',
          content: [
            {
              type: 'text',
              text: 'The user switched to plan mode: do not edit files.',
            },
          ],
        },
      ],
    });
    expect(notes.ignored).toEqual([
      'context_management',
      'cache_control',
      'x-anthropic-billing-header',
    ]);
  });

  it('reads the title call: effort and JSON schema output, no tools', () => {
    const { request, notes } = read(ccTitle);
    expect(request.reasoning).toEqual({ enabled: true, effort: 'high' });
    expect(request.responseFormat).toEqual({
      type: 'json_schema',
      name: 'output',
      schema: ccTitle.output_config.format.schema,
    });
    expect(request.tools).toEqual([]);
    expect(request.messages[0]).toEqual({
      role: 'system',
      kind: 'system',
      content: ccTitle.system
        .slice(1)
        .map((block) => ({ type: 'text', text: block.text })),
    });
    expect(notes.ignored).toEqual(['x-anthropic-billing-header']);
  });

  it('reads a string system prompt, and skips an empty one', () => {
    expect(read(body({ system: 'Be brief.' })).request.messages[0]).toEqual({
      role: 'system',
      kind: 'system',
      content: [{ type: 'text', text: 'Be brief.' }],
    });
    expect(read(body({ system: '' })).request.messages[0].role).toBe('user');
  });

  it.each([
    [
      'x-anthropic-billing-header: cc_version=0.2.40; cc_entrypoint=cli\n\nYou are Claude Code.',
      [
        {
          role: 'system',
          kind: 'system',
          content: [{ type: 'text', text: 'You are Claude Code.' }],
        },
      ],
    ],
    [
      [
        {
          type: 'text',
          text: 'x-anthropic-billing-header: cc_version=2.1.197;',
        },
      ],
      [],
    ],
  ])(
    'takes the billing line out of the system prompt %j',
    (system, expected) => {
      const { request, notes } = read(body({ system }));
      expect(request.messages.filter((m) => m.role === 'system')).toEqual(
        expected,
      );
      expect(notes.ignored).toEqual(['x-anthropic-billing-header']);
    },
  );

  it('keeps a system prompt that only mentions the billing header later', () => {
    const text = 'Never print x-anthropic-billing-header: values.';
    expect(read(body({ system: text })).request.messages[0]).toEqual({
      role: 'system',
      kind: 'system',
      content: [{ type: 'text', text }],
    });
  });

  it('reads sampling, limits and stop sequences', () => {
    const { request } = read(
      body({
        temperature: 0.2,
        top_p: 0.9,
        stop_sequences: ['</answer>'],
        stream: false,
      }),
    );
    expect(request).toMatchObject({
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stop: ['</answer>'],
      stream: false,
    });
  });

  it('defaults stream to false', () => {
    expect(read(body({})).request.stream).toBe(false);
  });

  it('reads images given by URL', () => {
    const { request } = read(
      body({
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: { type: 'url', url: 'https://example.com/a.png' },
              },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: 'url', url: 'https://example.com/a.png' },
          { type: 'text', text: 'What is this?' },
        ],
      },
    ]);
  });

  it('puts tool results ahead of the text of the same turn, and keeps is_error', () => {
    const { request } = read(
      body({
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: 'command not found',
                is_error: true,
              },
              { type: 'text', text: 'Try again.' },
              { type: 'tool_result', tool_use_id: 'toolu_2' },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'tool',
        toolCallId: 'toolu_1',
        isError: true,
        content: [{ type: 'text', text: 'command not found' }],
      },
      { role: 'tool', toolCallId: 'toolu_2', content: [] },
      { role: 'user', content: [{ type: 'text', text: 'Try again.' }] },
    ]);
  });

  it('reads redacted thinking and an unsigned thinking block', () => {
    const { request } = read(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [
              { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3p' },
              { type: 'thinking', thinking: 'plain', signature: '' },
              { type: 'text', text: 'Hello' },
            ],
          },
        ],
      }),
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3va3p' },
        { type: 'reasoning', text: 'plain' },
        { type: 'text', text: 'Hello' },
      ],
    });
  });

  it('unpacks a Responses reasoning item carried in a thinking signature', () => {
    const { request } = read(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [
              {
                type: 'thinking',
                thinking: 'Summary of reasoning',
                signature: 'gAAAAABpEnc@rs_0a1',
              },
            ],
          },
        ],
      }),
    );
    expect(request.messages[1].content[0]).toEqual({
      type: 'reasoning',
      text: 'Summary of reasoning',
      encrypted: 'gAAAAABpEnc',
      id: 'rs_0a1',
    });
  });

  it('reads a string assistant turn', () => {
    const { request } = read(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'Hello!' },
        ],
      }),
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello!' }],
    });
  });

  it('reads a tool_use without input as empty arguments', () => {
    const { request } = read(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_9', name: 'Now' }],
          },
        ],
      }),
    );
    expect(request.messages[1].content).toEqual([
      { type: 'tool-call', id: 'toolu_9', name: 'Now', arguments: '{}' },
    ]);
  });

  it.each([
    [{ type: 'auto' }, { type: 'auto' }, undefined],
    [{ type: 'none' }, { type: 'none' }, undefined],
    [{ type: 'any' }, { type: 'required' }, undefined],
    [
      { type: 'tool', name: 'Bash', disable_parallel_tool_use: true },
      { type: 'tool', name: 'Bash' },
      false,
    ],
  ])('reads tool_choice %j', (choice, expected, parallel) => {
    const { request } = read(body({ tool_choice: choice }));
    expect(request.toolChoice).toEqual(expected);
    expect(request.parallelToolCalls).toBe(parallel);
  });

  it.each([
    [
      { type: 'enabled', budget_tokens: 2048 },
      undefined,
      { enabled: true, budgetTokens: 2048, summary: 'auto' },
    ],
    [
      { type: 'adaptive' },
      { effort: 'medium' },
      { enabled: true, effort: 'medium', summary: 'auto' },
    ],
    [{ type: 'adaptive', display: 'omitted' }, undefined, { enabled: true }],
    [{ type: 'between_tools' }, undefined, { enabled: true, summary: 'auto' }],
    [{ type: 'disabled' }, undefined, { enabled: false }],
    [undefined, { effort: 'max' }, { enabled: true, effort: 'xhigh' }],
    [undefined, { effort: 'xhigh' }, { enabled: true, effort: 'xhigh' }],
    [undefined, { effort: 'low' }, { enabled: true, effort: 'low' }],
  ])(
    'reads thinking %j with output_config %j',
    (thinking, config, expected) => {
      const { request } = read(body({ thinking, output_config: config }));
      expect(request.reasoning).toEqual(expected);
    },
  );

  it('has no reasoning when the client asked for none', () => {
    expect(read(body({})).request.reasoning).toBeUndefined();
  });

  it('notes each ignored hint once, by name', () => {
    const { notes } = read(
      body({
        cache_control: { type: 'ephemeral' },
        top_k: 40,
        service_tier: 'auto',
        context_management: { edits: [] },
        metadata: { user_id: 'u1', team: 'x' },
        thinking: { type: 'enabled', budget_tokens: 2048, extra: 1 },
        tools: [
          {
            name: 'a',
            input_schema: { type: 'object' },
            cache_control: { type: 'ephemeral' },
            defer_loading: true,
          },
        ],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } },
              { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              {
                type: 'text',
                text: 'c',
                citations: [{ type: 'char_location' }],
              },
              {
                type: 'tool_use',
                id: 't',
                name: 'a',
                input: {},
                caller: { type: 'direct' },
              },
            ],
          },
        ],
      }),
    );
    expect(notes.ignored).toEqual([
      'cache_control',
      'top_k',
      'service_tier',
      'context_management',
      'citations',
      'tool_use.caller',
      'tools[].defer_loading',
      'thinking.extra',
      'metadata.team',
    ]);
  });

  it.each([
    [
      {
        tools: [
          { name: 'ok', input_schema: { type: 'object' } },
          { type: 'web_search_20250305', name: 'web_search' },
        ],
      },
      'tools[1]',
      'server tool web_search_20250305',
    ],
    [
      { tools: [{ type: 'bash_20250124', name: 'bash' }] },
      'tools[0]',
      'server tool bash_20250124',
    ],
    [
      {
        tools: [
          { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
        ],
      },
      'tools[0]',
      'server tool text_editor_20250728',
    ],
    [
      { tools: [{ type: 'computer_20250124', name: 'computer' }] },
      'tools[0]',
      'server tool computer_20250124',
    ],
    [
      { mcp_servers: [{ type: 'url', url: 'https://mcp.example.com' }] },
      'mcp_servers',
      'MCP connector',
    ],
    [{ container: 'container_1' }, 'container', 'code-execution container'],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'text', data: 'x' } },
            ],
          },
        ],
      },
      'messages[0].content[0]',
      'document block',
    ],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'search_result', source: 'x', title: 't', content: [] },
            ],
          },
        ],
      },
      'messages[0].content[0]',
      'search_result block',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [
              {
                type: 'server_tool_use',
                id: 's',
                name: 'web_search',
                input: {},
              },
            ],
          },
        ],
      },
      'messages[1].content[0]',
      'server_tool_use block',
    ],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'document', source: {} }],
              },
            ],
          },
        ],
      },
      'messages[0].content[0].content[0]',
      'document block',
    ],
    [
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            ],
          },
        ],
      },
      'messages[0].content[0].source.type',
      'image source of type file',
    ],
  ])('refuses %j, naming %s', (extra, field, what) => {
    const error = refusal(body(extra));
    expect(error.field).toBe(field);
    expect(error.message).toContain(`has no ${what}`);
    expect(error.message).toContain(
      'model gpt-4.1 is not served on /v1/messages',
    );
  });

  it.each([
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role'],
    [
      {
        messages: [
          { role: 'system', content: [{ type: 'image', source: {} }] },
        ],
      },
      'messages[0].content[0].type',
    ],
    [{ system: [{ type: 'image', source: {} }] }, 'system[0].type'],
    [{ tool_choice: { type: 'sometimes' } }, 'tool_choice.type'],
    [{ thinking: { type: 'deep' } }, 'thinking.type'],
    [{ output_config: { effort: 'extreme' } }, 'output_config.effort'],
    [
      { output_config: { format: { type: 'regex' } } },
      'output_config.format.type',
    ],
    [
      {
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool_use', name: 'a', input: {} }],
          },
        ],
      },
      'messages[0].content[0].id',
    ],
    [
      { messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] },
      'messages[0].content[0].tool_use_id',
    ],
    [{ messages: 'hi' }, 'messages'],
    [{ model: 7 }, 'model'],
  ])('refuses malformed %j, naming %s', (extra, field) => {
    expect(refusal(body(extra)).field).toBe(field);
  });
});
