import { UntranslatableError, type BridgeNotes, type Json } from '../ir';
import codexTitle from './__fixtures__/codex-title.responses.json';
import codexToolLoop from './__fixtures__/codex-tool-loop.responses.json';
import { readResponsesRequest } from './read-responses-request';

function read(body: Json) {
  const notes: BridgeNotes = { ignored: [] };
  return { request: readResponsesRequest(body, notes), notes };
}

function body(extra: Json): Json {
  return { model: 'claude-sonnet-4.5', input: 'hi', ...extra };
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

describe('readResponsesRequest', () => {
  it('reads a Codex tool loop whole', () => {
    const { request, notes } = read(codexToolLoop);
    expect(request).toEqual({
      model: 'claude-sonnet-4.5',
      stream: true,
      parallelToolCalls: true,
      toolChoice: { type: 'auto' },
      reasoning: { enabled: true, effort: 'medium', summary: 'auto' },
      tools: [
        {
          name: 'exec_command',
          description: 'Runs a command in a PTY.',
          strict: false,
          parameters: codexToolLoop.tools[0].parameters,
        },
        {
          name: 'spawn_agent',
          namespace: 'multi_agent_v1',
          description: 'Spawns a sub-agent.',
          strict: false,
          parameters: {
            type: 'object',
            properties: { message: { type: 'string' } },
          },
        },
        {
          name: 'wait_agent',
          namespace: 'multi_agent_v1',
          description: 'Waits for a sub-agent.',
          strict: false,
          parameters: { type: 'object', properties: {} },
        },
      ],
      messages: [
        {
          role: 'system',
          kind: 'developer',
          content: [
            {
              type: 'text',
              text: 'You are Codex, a coding agent based on GPT-5.',
            },
          ],
        },
        {
          role: 'system',
          kind: 'developer',
          content: [
            {
              type: 'text',
              text: '<permissions instructions>sandbox: read-only</permissions instructions>',
            },
            {
              type: 'text',
              text: '<collaboration_mode>default</collaboration_mode>',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: '<environment_context><cwd>/repo</cwd></environment_context>',
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: 'USE_TOOL run echo and ask a helper to review',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: '**Running echo**',
              encrypted: 'gAAAAABpZ2VuY3J5cHRlZA==',
              id: 'rs_01',
            },
            { type: 'text', text: 'Running it now.' },
            {
              type: 'tool-call',
              id: 'call_Ex1',
              name: 'exec_command',
              arguments: '{"cmd":"echo tool-ran"}',
            },
            {
              type: 'tool-call',
              id: 'call_Sp2',
              name: 'spawn_agent',
              namespace: 'multi_agent_v1',
              arguments: '{}',
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'call_Ex1',
          content: [
            {
              type: 'text',
              text: 'Process exited with code 0\nOutput:\ntool-ran\n',
            },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'call_Sp2',
          content: [
            { type: 'text', text: 'agent started; its screenshot:' },
            {
              type: 'image',
              source: 'base64',
              mediaType: 'image/png',
              data: 'iVBORw0KGgo=',
            },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Both done.' }] },
        { role: 'user', content: [{ type: 'text', text: 'thanks' }] },
      ],
    });
    expect(notes.ignored).toEqual([
      'store',
      'include',
      'prompt_cache_key',
      'client_metadata',
      'input.web_search_call',
      'tools.web_search',
    ]);
  });

  it('reads the thread-title call: JSON schema output, no tools', () => {
    const { request } = read(codexTitle);
    expect(request.responseFormat).toEqual({
      type: 'json_schema',
      name: 'codex_output_schema',
      schema: codexTitle.text.format.schema,
      strict: true,
    });
    expect(request.tools).toEqual([]);
    expect(request.reasoning).toEqual({ enabled: true, summary: 'auto' });
  });

  it('reads instructions and a string input', () => {
    expect(read(body({ instructions: 'Be terse.' })).request.messages).toEqual([
      {
        role: 'system',
        kind: 'system',
        content: [{ type: 'text', text: 'Be terse.' }],
      },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ]);
  });

  it('reads items without type, system messages, refusals and image URLs', () => {
    const { request } = read(
      body({
        input: [
          { role: 'system', content: 'Rules.' },
          {
            role: 'user',
            content: [
              {
                type: 'input_image',
                image_url: 'https://example.com/a.png',
                detail: 'low',
              },
              { type: 'input_text', text: 'What is it?' },
            ],
          },
          {
            role: 'assistant',
            content: [{ type: 'refusal', refusal: 'I cannot say.' }],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'system',
        kind: 'system',
        content: [{ type: 'text', text: 'Rules.' }],
      },
      {
        role: 'user',
        content: [
          {
            type: 'image',
            source: 'url',
            url: 'https://example.com/a.png',
            detail: 'low',
          },
          { type: 'text', text: 'What is it?' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot say.' }] },
    ]);
  });

  it('reads a function call without arguments and an empty output', () => {
    const { request } = read(
      body({
        input: [
          { type: 'function_call', name: 'get_goal', call_id: 'call_1' },
          { type: 'function_call_output', call_id: 'call_1', output: '' },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'assistant',
        content: [
          {
            type: 'tool-call',
            id: 'call_1',
            name: 'get_goal',
            arguments: '{}',
          },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', content: [] },
    ]);
  });

  it('reads sampling and limits', () => {
    expect(
      read(
        body({ max_output_tokens: 500, temperature: 1, top_p: 0.5, user: 'u' }),
      ).request,
    ).toMatchObject({
      maxOutputTokens: 500,
      temperature: 1,
      topP: 0.5,
      user: 'u',
    });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'required' }],
    [
      { type: 'function', name: 'exec_command' },
      { type: 'tool', name: 'exec_command' },
    ],
  ])('reads tool_choice %j', (choice, expected) => {
    expect(read(body({ tool_choice: choice })).request.toolChoice).toEqual(
      expected,
    );
  });

  it.each([
    [{ effort: 'none' }, { enabled: false }],
    [
      { effort: 'xhigh', summary: 'detailed' },
      { enabled: true, effort: 'xhigh', summary: 'detailed' },
    ],
    [{ generate_summary: 'concise' }, { enabled: true, summary: 'concise' }],
    [null, undefined],
  ])('reads reasoning %j', (reasoning, expected) => {
    expect(read(body({ reasoning })).request.reasoning).toEqual(expected);
  });

  it.each([
    [{ format: { type: 'json_object' } }, { type: 'json_object' }],
    [{ format: { type: 'text' } }, undefined],
    [
      { format: { type: 'json_schema', schema: { type: 'object' } } },
      { type: 'json_schema', name: 'output', schema: { type: 'object' } },
    ],
  ])('reads text %j', (text, expected) => {
    expect(read(body({ text })).request.responseFormat).toEqual(expected);
  });

  it('notes text.verbosity, truncation and the other hints once each', () => {
    const { notes } = read(
      body({
        text: { verbosity: 'low' },
        truncation: 'auto',
        service_tier: 'auto',
        metadata: { a: 'b' },
        safety_identifier: 's',
        background: false,
        tools: [
          { type: 'web_search' },
          { type: 'web_search_preview_2025_03_11' },
          { type: 'web_search' },
          { type: 'function', name: 'f', defer_loading: true },
        ],
      }),
    );
    expect(notes.ignored).toEqual([
      'truncation',
      'service_tier',
      'metadata',
      'safety_identifier',
      'tools.web_search',
      'tools.web_search_preview_2025_03_11',
      'tools[].defer_loading',
      'text.verbosity',
    ]);
  });

  it.each([
    [
      { previous_response_id: 'resp_1' },
      'previous_response_id',
      'stored responses',
    ],
    [{ conversation: 'conv_1' }, 'conversation', 'stored conversations'],
    [{ prompt: { id: 'pmpt_1' } }, 'prompt', 'stored prompt templates'],
    [{ max_tool_calls: 3 }, 'max_tool_calls', 'limit on hosted tool calls'],
    [{ background: true }, 'background', 'background responses'],
    [{ top_logprobs: 2 }, 'top_logprobs', 'log probabilities'],
    [
      { tools: [{ type: 'custom', name: 'apply_patch' }] },
      'tools[0]',
      'custom tools',
    ],
    [{ tools: [{ type: 'local_shell' }] }, 'tools[0]', 'local_shell tools'],
    [
      { tools: [{ type: 'file_search', vector_store_ids: [] }] },
      'tools[0]',
      'file_search tools',
    ],
    [
      { tools: [{ type: 'computer_use_preview' }] },
      'tools[0]',
      'computer_use_preview tools',
    ],
    [{ tools: [{ type: 'mcp', server_label: 'x' }] }, 'tools[0]', 'mcp tools'],
    [
      {
        tools: [
          {
            type: 'namespace',
            name: 'ns',
            tools: [{ type: 'custom', name: 'c' }],
          },
        ],
      },
      'tools[0].tools[0]',
      'custom tools',
    ],
    [
      { tool_choice: { type: 'web_search' } },
      'tool_choice',
      'tool choice of type web_search',
    ],
    [
      { tool_choice: { type: 'allowed_tools' } },
      'tool_choice',
      'tool choice of type allowed_tools',
    ],
    ...[
      'custom_tool_call',
      'custom_tool_call_output',
      'local_shell_call',
      'file_search_call',
      'computer_call',
      'item_reference',
      'image_generation_call',
    ].map((type) => [
      { input: [{ type, id: 'x', call_id: 'c' }] },
      'input[0]',
      `${type} items in the conversation`,
    ]),
    [
      {
        input: [
          { role: 'user', content: [{ type: 'input_file', file_id: 'f' }] },
        ],
      },
      'input[0].content[0]',
      'input_file content parts',
    ],
    [
      {
        input: [
          {
            role: 'user',
            content: [{ type: 'input_image', file_id: 'file_9' }],
          },
        ],
      },
      'input[0].content[0].file_id',
      'images by file id',
    ],
    [
      {
        input: [
          {
            type: 'function_call_output',
            call_id: 'c',
            output: [{ type: 'input_file', file_id: 'f' }],
          },
        ],
      },
      'input[0].output[0]',
      'input_file content parts',
    ],
    [{ input: [{ content: 'x' }] }, 'input[0]', 'input item without a type'],
  ] as Array<[Json, string, string]>)(
    'refuses %j, naming %s',
    (extra, field, what) => {
      const error = refusal(body(extra));
      expect(error.field).toBe(field);
      expect(error.message).toContain(`has no ${what}`);
      expect(error.message).toContain(
        'model claude-sonnet-4.5 is not served on /responses',
      );
    },
  );

  it.each([
    [
      { input: [{ type: 'function_call', name: 'f', arguments: '{}' }] },
      'input[0].call_id',
    ],
    [{ input: [{ role: 'tool', content: 'x' }] }, 'input[0].role'],
    [
      {
        input: [
          {
            role: 'developer',
            content: [{ type: 'input_image', image_url: 'x' }],
          },
        ],
      },
      'input[0].content[0].type',
    ],
    [{ reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
    [{ text: { format: { type: 'grammar' } } }, 'text.format.type'],
    [
      {
        tools: [
          { type: 'function', name: 'ns__f' },
          {
            type: 'namespace',
            name: 'ns',
            tools: [{ type: 'function', name: 'f' }],
          },
        ],
      },
      'tools',
    ],
    [{ input: 5 }, 'input'],
  ])('refuses malformed %j, naming %s', (extra, field) => {
    expect(refusal(body(extra)).field).toBe(field);
  });
});
