import type { BridgeMessage, BridgeNotes, BridgeRequest } from '../ir';
import { writeChatRequest } from './write-chat-request';

function write(request: Partial<BridgeRequest>) {
  const notes: BridgeNotes = { ignored: [] };
  const body = writeChatRequest(
    {
      model: 'claude-sonnet-4.5',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stream: false,
      ...request,
    },
    notes,
  );
  return { body, notes };
}

const png = {
  type: 'image',
  source: 'base64',
  mediaType: 'image/png',
  data: 'iVBORw0KGgo=',
} as const;

describe('writeChatRequest', () => {
  it('writes a whole conversation for a Claude model', () => {
    const { body, notes } = write({
      stream: true,
      maxOutputTokens: 32000,
      temperature: 1,
      topP: 0.95,
      stop: ['</done>'],
      user: 'u-1',
      reasoning: { enabled: true, budgetTokens: 31999, summary: 'auto' },
      responseFormat: {
        type: 'json_schema',
        name: 'output',
        schema: { type: 'object' },
        strict: true,
      },
      tools: [
        {
          name: 'Bash',
          description: 'Runs a command.',
          parameters: {
            type: 'object',
            properties: { command: { type: 'string' } },
          },
        },
        { name: 'Strict', parameters: { type: 'object' }, strict: true },
        { name: 'Loose', parameters: { type: 'object' }, strict: false },
      ],
      toolChoice: { type: 'tool', name: 'Bash' },
      parallelToolCalls: false,
      messages: [
        {
          role: 'system',
          kind: 'system',
          content: [
            { type: 'text', text: 'Block one.' },
            { type: 'text', text: 'Block two.' },
          ],
        },
        {
          role: 'system',
          kind: 'developer',
          content: [{ type: 'text', text: 'Dev rules.' }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { ...png, detail: 'high' },
            { type: 'image', source: 'url', url: 'https://example.com/a.png' },
          ],
        },
        {
          role: 'assistant',
          content: [
            {
              type: 'reasoning',
              text: 'Thinking it over.',
              signature: 'sig-1',
            },
            { type: 'text', text: 'Let me check.' },
            {
              type: 'tool-call',
              id: 'toolu_1',
              name: 'Bash',
              arguments: '{"command":"ls"}',
            },
            { type: 'tool-call', id: 'toolu_2', name: 'Bash', arguments: '' },
          ],
        },
        {
          role: 'tool',
          toolCallId: 'toolu_1',
          content: [{ type: 'text', text: 'a.txt' }],
        },
        {
          role: 'tool',
          toolCallId: 'toolu_2',
          content: [{ type: 'text', text: 'shot:' }, png],
        },
        {
          role: 'system',
          kind: 'system',
          content: [{ type: 'text', text: 'Plan mode now.' }],
        },
        { role: 'user', content: [{ type: 'text', text: 'Go on.' }] },
      ],
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4.5',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 32000,
      temperature: 1,
      top_p: 0.95,
      stop: ['</done>'],
      user: 'u-1',
      thinking_budget: 31999,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'output',
          schema: { type: 'object' },
          strict: true,
        },
      },
      tools: [
        {
          type: 'function',
          function: {
            name: 'Bash',
            description: 'Runs a command.',
            parameters: {
              type: 'object',
              properties: { command: { type: 'string' } },
            },
          },
        },
        {
          type: 'function',
          function: {
            name: 'Strict',
            // Copilot refuses an object schema without properties (C13).
            parameters: { type: 'object', properties: {} },
            strict: true,
          },
        },
        {
          type: 'function',
          function: {
            name: 'Loose',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'Bash' } },
      parallel_tool_calls: false,
      messages: [
        { role: 'system', content: 'Block one.\n\nBlock two.\n\nDev rules.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            {
              type: 'image_url',
              image_url: {
                url: 'data:image/png;base64,iVBORw0KGgo=',
                detail: 'high',
              },
            },
            {
              type: 'image_url',
              image_url: { url: 'https://example.com/a.png' },
            },
          ],
        },
        {
          role: 'assistant',
          content: 'Let me check.',
          reasoning_text: 'Thinking it over.',
          reasoning_opaque: 'sig-1',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'Bash', arguments: '{"command":"ls"}' },
            },
            {
              id: 'toolu_2',
              type: 'function',
              function: { name: 'Bash', arguments: '{}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'a.txt' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'shot:' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Images returned by tool call toolu_2:' },
            {
              type: 'image_url',
              image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' },
            },
          ],
        },
        { role: 'user', content: 'Plan mode now.' },
        { role: 'user', content: 'Go on.' },
      ],
    });
    expect(notes.ignored).toEqual([]);
  });

  it('does not ask for usage when not streaming, and sends no empty tool fields', () => {
    const { body } = write({
      tools: [],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
    });
    expect(body).toEqual({
      model: 'claude-sonnet-4.5',
      stream: false,
      messages: [{ role: 'user', content: 'hi' }],
    });
  });

  it.each([
    ['auto', 'auto'],
    ['none', 'none'],
    ['required', 'required'],
  ] as const)('writes tool choice %s', (type, expected) => {
    const { body } = write({
      tools: [{ name: 'a', parameters: {} }],
      toolChoice: { type },
    });
    expect(body.tool_choice).toBe(expected);
  });

  it('flattens namespaced tools and their calls', () => {
    const { body } = write({
      tools: [
        { name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: {} },
      ],
      messages: [
        {
          role: 'assistant',
          content: [
            {
              type: 'tool-call',
              id: 'call_1',
              name: 'spawn_agent',
              namespace: 'multi_agent_v1',
              arguments: '{}',
            },
          ],
        },
      ],
    });
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'multi_agent_v1__spawn_agent', parameters: {} },
      },
    ]);
    expect(body.messages).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'multi_agent_v1__spawn_agent', arguments: '{}' },
          },
        ],
      },
    ]);
  });

  it('groups the images of parallel tool results after all the tool messages', () => {
    const { body } = write({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'a', name: 'shot', arguments: '{}' },
            { type: 'tool-call', id: 'b', name: 'shot', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'a', content: [png] },
        {
          role: 'tool',
          toolCallId: 'b',
          content: [{ type: 'image', source: 'url', url: 'https://x/b.png' }],
        },
      ],
    });
    expect((body.messages as unknown[]).slice(1)).toEqual([
      {
        role: 'tool',
        tool_call_id: 'a',
        content: 'The result is the image(s) in the next message.',
      },
      {
        role: 'tool',
        tool_call_id: 'b',
        content: 'The result is the image(s) in the next message.',
      },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Images returned by tool call a:' },
          {
            type: 'image_url',
            image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' },
          },
          { type: 'text', text: 'Images returned by tool call b:' },
          { type: 'image_url', image_url: { url: 'https://x/b.png' } },
        ],
      },
    ]);
  });

  it('writes an assistant turn of text only as a string, and an empty tool result as empty text', () => {
    const { body, notes } = write({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A' },
            { type: 'text', text: 'B' },
          ],
        },
        { role: 'tool', toolCallId: 't', content: [], isError: true },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'assistant', content: 'A\n\nB' },
      { role: 'tool', tool_call_id: 't', content: '' },
    ]);
    expect(notes.ignored).toEqual(['is_error']);
  });

  it('keeps several text parts of a user turn as parts', () => {
    const { body } = write({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>x</system-reminder>' },
            { type: 'text', text: 'Question?' },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>x</system-reminder>' },
          { type: 'text', text: 'Question?' },
        ],
      },
    ]);
  });

  it.each<[string, string, BridgeMessage['content'], string | undefined]>([
    [
      'reasoning for a model that takes none back',
      'gpt-4.1',
      [{ type: 'reasoning', text: 't', signature: 's' }],
      undefined,
    ],
    [
      'redacted thinking',
      'claude-sonnet-4.5',
      [{ type: 'reasoning', text: '', redacted: 'r' }],
      undefined,
    ],
    [
      'a Responses model’s encrypted content (M10)',
      'claude-sonnet-4.5',
      [{ type: 'reasoning', text: 't', encrypted: 'gAAAAABenc', id: 'rs_1' }],
      undefined,
    ],
    [
      'a second signed block',
      'claude-sonnet-4.5',
      [
        { type: 'reasoning', text: 'one', signature: 's1' },
        { type: 'reasoning', text: 'two', signature: 's2' },
      ],
      's1',
    ],
  ])(
    'leaves out %s from the history, with a note',
    (_what, model, content, carried) => {
      const { body, notes } = write({
        model,
        messages: [{ role: 'assistant', content } as BridgeMessage],
      });
      const [message] = body.messages as Array<Record<string, unknown>>;
      expect(message.reasoning_opaque).toBe(carried);
      expect(notes.ignored).toEqual(['reasoning-history']);
    },
  );

  it.each<
    [
      string,
      BridgeRequest['reasoning'],
      number | undefined,
      Record<string, unknown>,
    ]
  >([
    [
      'claude-sonnet-4.5',
      { enabled: true, budgetTokens: 31999 },
      32000,
      { thinking_budget: 31999 },
    ],
    [
      'claude-sonnet-4.5',
      { enabled: true, budgetTokens: 40000 },
      undefined,
      { thinking_budget: 32000 },
    ],
    [
      'claude-sonnet-4.5',
      { enabled: true, budgetTokens: 20000 },
      8000,
      { thinking_budget: 7999 },
    ],
    [
      'claude-sonnet-4.5',
      { enabled: true, effort: 'medium' },
      undefined,
      { thinking_budget: 16384 },
    ],
    [
      'claude-opus-4.6',
      { enabled: true, effort: 'low' },
      64000,
      { thinking_budget: 4096 },
    ],
    ['claude-sonnet-4.5', { enabled: true, summary: 'auto' }, undefined, {}],
    ['claude-sonnet-4.5', { enabled: false }, undefined, {}],
    [
      'gemini-2.5-pro',
      { enabled: true, budgetTokens: 31999 },
      undefined,
      { reasoning_effort: 'high' },
    ],
    [
      'gemini-2.5-pro',
      { enabled: true, effort: 'low', budgetTokens: 31999 },
      undefined,
      { reasoning_effort: 'low' },
    ],
    ['gpt-5-mini', { enabled: false }, undefined, { reasoning_effort: 'none' }],
    [
      'gpt-5-mini',
      { enabled: true, effort: 'minimal' },
      undefined,
      { reasoning_effort: 'minimal' },
    ],
    ['gpt-4.1', { enabled: false }, undefined, {}],
  ])(
    'for %s writes reasoning %j (max_tokens %s) as %j',
    (model, reasoning, maxOutputTokens, expected) => {
      const { body, notes } = write({ model, reasoning, maxOutputTokens });
      expect({
        thinking_budget: body.thinking_budget,
        reasoning_effort: body.reasoning_effort,
      }).toEqual({
        thinking_budget: undefined,
        reasoning_effort: undefined,
        ...expected,
      });
      expect(notes.ignored).toEqual([]);
    },
  );

  it.each<[string, BridgeRequest['reasoning'], number | undefined]>([
    ['gpt-4.1', { enabled: true, budgetTokens: 31999 }, undefined],
    ['gpt-4o', { enabled: true, effort: 'high' }, undefined],
    ['claude-sonnet-4.5', { enabled: true, budgetTokens: 2048 }, 1024],
  ])(
    'for %s leaves reasoning %j out with a note',
    (model, reasoning, maxOutputTokens) => {
      const { body, notes } = write({ model, reasoning, maxOutputTokens });
      expect(body.thinking_budget).toBeUndefined();
      expect(body.reasoning_effort).toBeUndefined();
      expect(notes.ignored).toEqual(['reasoning']);
    },
  );

  it.each<[string, BridgeMessage['content'], Record<string, unknown>]>([
    [
      'gemini-2.5-pro',
      [{ type: 'reasoning', text: '', signature: 'gemini-thought-sig' }],
      { reasoning_opaque: 'gemini-thought-sig' },
    ],
    [
      'gemini-2.5-pro',
      [{ type: 'reasoning', text: 'Thinking.', signature: 'g' }],
      { reasoning_text: 'Thinking.', reasoning_opaque: 'g' },
    ],
    [
      'claude-sonnet-4.5',
      [{ type: 'reasoning', text: 't', encrypted: 'EqQBsig', id: 'rs_1' }],
      { reasoning_text: 't', reasoning_opaque: 'EqQBsig' },
    ],
    [
      'claude-sonnet-4.5',
      [{ type: 'reasoning', text: '', signature: 's' }],
      { reasoning_text: '', reasoning_opaque: 's' },
    ],
  ])(
    'for %s carries the reasoning %j back as %j, unaltered',
    (model, content, expected) => {
      const { body, notes } = write({
        model,
        messages: [{ role: 'assistant', content } as BridgeMessage],
      });
      const [message] = body.messages as Array<Record<string, unknown>>;
      expect({
        reasoning_text: message.reasoning_text,
        reasoning_opaque: message.reasoning_opaque,
      }).toEqual({ reasoning_text: undefined, ...expected });
      expect(notes.ignored).toEqual([]);
    },
  );

  it.each([
    ['gpt-5-mini', 'max_completion_tokens'],
    ['o3-mini', 'max_completion_tokens'],
    ['gpt-4.1', 'max_tokens'],
    ['claude-sonnet-4.5', 'max_tokens'],
  ])('for %s writes the token limit as %s (C1)', (model, field) => {
    const { body } = write({ model, maxOutputTokens: 100 });
    expect(body[field]).toBe(100);
    expect(Object.keys(body).filter((key) => /^max_/.test(key))).toEqual([
      field,
    ]);
  });

  it('gives an object schema without properties its properties (C13)', () => {
    const { body } = write({
      tools: [
        { name: 'noArgs', parameters: { type: 'object' } },
        {
          name: 'withArgs',
          parameters: { type: 'object', properties: { a: { type: 'string' } } },
        },
      ],
    });
    expect(
      (body.tools as Array<{ function: { parameters: unknown } }>).map(
        (tool) => tool.function.parameters,
      ),
    ).toEqual([
      { type: 'object', properties: {} },
      { type: 'object', properties: { a: { type: 'string' } } },
    ]);
  });

  it('writes json_object output', () => {
    expect(
      write({ responseFormat: { type: 'json_object' } }).body.response_format,
    ).toEqual({
      type: 'json_object',
    });
  });
});
