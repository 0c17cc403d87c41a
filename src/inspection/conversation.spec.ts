import {
  answeredToolCalls,
  ConversationKind,
  readConversation,
} from './conversation';

/** A tiny PNG as a data URL, the way the SDKs inline screenshots. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const PNG_DATA_URL = `data:image/png;base64,${PNG_BASE64}`;

// ---------------------------------------------------------------------------
// OpenAI chat completions (`POST /chat/completions`)
// ---------------------------------------------------------------------------

const chatSystem = {
  role: 'system',
  content: 'You are a helpful coding assistant.',
};
const chatQuestion = {
  role: 'user',
  content: 'What is the weather in Paris and in Berlin?',
};
const chatToolCalls = {
  role: 'assistant',
  content: null,
  tool_calls: [
    {
      id: 'call_paris',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    },
    {
      id: 'call_berlin',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Berlin"}' },
    },
  ],
};
const chatToolParis = {
  role: 'tool',
  tool_call_id: 'call_paris',
  content: '{"temperature":18,"unit":"C"}',
};
const chatToolBerlin = {
  role: 'tool',
  tool_call_id: 'call_berlin',
  content: '{"temperature":14,"unit":"C"}',
};
const chatAnswer = {
  role: 'assistant',
  content: 'Paris is at 18 °C and Berlin at 14 °C.',
};
const chatImageQuestion = {
  role: 'user',
  content: [
    { type: 'text', text: 'What is in this screenshot?' },
    { type: 'image_url', image_url: { url: PNG_DATA_URL, detail: 'auto' } },
  ],
};

// ---------------------------------------------------------------------------
// Anthropic messages (`POST /v1/messages`)
// ---------------------------------------------------------------------------

const claudeQuestionString = {
  role: 'user',
  content: 'List the files in the current directory.',
};
const claudeQuestionBlocks = {
  role: 'user',
  content: [
    {
      type: 'text',
      text: '<system-reminder>The user is in /home/me/project.</system-reminder>',
    },
    {
      type: 'text',
      text: 'List the files in the current directory.',
      cache_control: { type: 'ephemeral' },
    },
  ],
};
const claudeToolUse = {
  role: 'assistant',
  content: [
    { type: 'text', text: "I'll list the directory." },
    {
      type: 'tool_use',
      id: 'toolu_01A',
      name: 'Bash',
      input: { command: 'ls -la', description: 'List files' },
    },
  ],
};
const claudeToolResult = {
  role: 'user',
  content: [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01A',
      content: 'README.md\npackage.json\nsrc',
    },
  ],
};
const claudeTwoToolUses = {
  role: 'assistant',
  content: [
    {
      type: 'tool_use',
      id: 'toolu_01B',
      name: 'Read',
      input: { file_path: '/home/me/project/README.md' },
    },
    {
      type: 'tool_use',
      id: 'toolu_01C',
      name: 'Read',
      input: { file_path: '/home/me/project/package.json' },
    },
  ],
};
const claudeTwoToolResults = {
  role: 'user',
  content: [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01B',
      content: [{ type: 'text', text: '# project' }],
    },
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01C',
      content: 'ENOENT: no such file',
      is_error: true,
    },
  ],
};
const claudeToolResultWithText = {
  role: 'user',
  content: [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01A',
      content: 'README.md\npackage.json\nsrc',
    },
    { type: 'text', text: 'Actually, only show the TypeScript files.' },
  ],
};
const claudeAnswer = {
  role: 'assistant',
  content: [{ type: 'text', text: 'There are three entries.' }],
};
const claudePrefill = { role: 'assistant', content: '{"files": [' };
const claudeImageQuestion = {
  role: 'user',
  content: [
    {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 },
    },
    { type: 'text', text: 'What does this diagram show?' },
  ],
};
const claudeScreenshotToolUse = {
  role: 'assistant',
  content: [
    {
      type: 'tool_use',
      id: 'toolu_01S',
      name: 'screenshot',
      input: {},
    },
  ],
};
const claudeScreenshotResult = {
  role: 'user',
  content: [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_01S',
      content: [
        { type: 'text', text: 'Screenshot taken.' },
        {
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 },
        },
      ],
    },
  ],
};

// ---------------------------------------------------------------------------
// OpenAI Responses (`POST /responses`)
// ---------------------------------------------------------------------------

const respDeveloper = {
  type: 'message',
  role: 'developer',
  content: [{ type: 'input_text', text: 'You are a coding agent.' }],
};
const respQuestion = {
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text: 'Run the tests and fix failures.' }],
};
const respEasyQuestion = { role: 'user', content: 'Run the tests.' };
const respReasoning = {
  type: 'reasoning',
  id: 'rs_1',
  summary: [{ type: 'summary_text', text: 'I should run npm test.' }],
};
const respFunctionCall = {
  type: 'function_call',
  id: 'fc_1',
  call_id: 'call_1',
  name: 'shell',
  arguments: '{"command":["npm","test"]}',
};
const respFunctionOutput = {
  type: 'function_call_output',
  call_id: 'call_1',
  output: '{"output":"2 passed","metadata":{"exit_code":0}}',
};
const respAssistant = {
  type: 'message',
  id: 'msg_1',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text: 'All tests pass.', annotations: [] }],
};
const respImageQuestion = {
  type: 'message',
  role: 'user',
  content: [
    { type: 'input_text', text: 'Describe this image.' },
    { type: 'input_image', image_url: PNG_DATA_URL, detail: 'auto' },
  ],
};
const respImageByFileId = {
  role: 'user',
  content: [
    { type: 'input_text', text: 'And this one?' },
    { type: 'input_image', file_id: 'file-abc123' },
  ],
};

describe('readConversation', () => {
  describe('chat completions', () => {
    it.each<[string, unknown[], 'user' | 'agent']>([
      ['system + user question', [chatSystem, chatQuestion], 'user'],
      [
        'user question with text parts',
        [
          chatSystem,
          { role: 'user', content: [{ type: 'text', text: 'Hello there' }] },
        ],
        'user',
      ],
      [
        'assistant tool_calls last (before the results are sent)',
        [chatSystem, chatQuestion, chatToolCalls],
        'agent',
      ],
      [
        'one tool result last',
        [chatSystem, chatQuestion, chatToolCalls, chatToolParis],
        'agent',
      ],
      [
        'parallel tool results last',
        [
          chatSystem,
          chatQuestion,
          chatToolCalls,
          chatToolParis,
          chatToolBerlin,
        ],
        'agent',
      ],
      [
        'a new user question after a finished tool loop',
        [
          chatSystem,
          chatQuestion,
          chatToolCalls,
          chatToolParis,
          chatToolBerlin,
          chatAnswer,
          { role: 'user', content: 'And in Madrid?' },
        ],
        'user',
      ],
      [
        'assistant answer last',
        [chatSystem, chatQuestion, chatAnswer],
        'agent',
      ],
      ['system only', [chatSystem], 'agent'],
      [
        'developer only',
        [{ role: 'developer', content: 'Be brief.' }],
        'agent',
      ],
      ['empty messages', [], 'agent'],
      ['a null entry last', [chatSystem, chatQuestion, null], 'agent'],
    ])('%s → %s', (_name, messages, initiator) => {
      const facts = readConversation('chat', { model: 'gpt-4o', messages });
      expect(facts).toEqual({ model: 'gpt-4o', initiator, vision: false });
    });

    it.each<[string, unknown[], boolean]>([
      ['an image_url part', [chatSystem, chatImageQuestion], true],
      [
        'an image in an earlier turn, tool results last',
        [chatSystem, chatImageQuestion, chatToolCalls, chatToolParis],
        true,
      ],
      [
        'an image_url given as a https URL',
        [
          {
            role: 'user',
            content: [
              {
                type: 'image_url',
                image_url: { url: 'https://example.com/cat.png' },
              },
            ],
          },
        ],
        true,
      ],
      [
        'text parts only',
        [
          chatSystem,
          { role: 'user', content: [{ type: 'text', text: 'no image' }] },
        ],
        false,
      ],
      [
        'a text part that mentions image_url',
        [
          {
            role: 'user',
            content: [{ type: 'text', text: '{"type":"image_url"}' }],
          },
        ],
        false,
      ],
      ['a tool loop without images', [chatQuestion, chatToolCalls], false],
    ])('vision with %s → %s', (_name, messages, vision) => {
      expect(readConversation('chat', { messages }).vision).toBe(vision);
    });

    it('reads an image question as a person’s turn with vision', () => {
      expect(
        readConversation('chat', {
          model: 'gpt-4o',
          messages: [chatSystem, chatImageQuestion],
          stream: true,
        }),
      ).toEqual({ model: 'gpt-4o', initiator: 'user', vision: true });
    });
  });

  describe('Anthropic messages', () => {
    it.each<[string, unknown[], 'user' | 'agent']>([
      ['a plain-string user message', [claudeQuestionString], 'user'],
      ['a user message of text blocks', [claudeQuestionBlocks], 'user'],
      [
        'tool_use then a user message of only a tool_result',
        [claudeQuestionBlocks, claudeToolUse, claudeToolResult],
        'agent',
      ],
      [
        'parallel tool_use then only tool_results (one an error)',
        [claudeQuestionString, claudeTwoToolUses, claudeTwoToolResults],
        'agent',
      ],
      [
        'tool_use then a tool_result plus a text block',
        [claudeQuestionString, claudeToolUse, claudeToolResultWithText],
        'user',
      ],
      [
        'an assistant prefill after a user question',
        [claudeQuestionString, claudePrefill],
        'user',
      ],
      [
        'an assistant prefill after tool results',
        [claudeQuestionString, claudeToolUse, claudeToolResult, claudePrefill],
        'agent',
      ],
      [
        'a new question after a finished tool loop',
        [
          claudeQuestionString,
          claudeToolUse,
          claudeToolResult,
          claudeAnswer,
          { role: 'user', content: 'Now show me the README.' },
        ],
        'user',
      ],
      ['assistant messages only', [claudePrefill], 'agent'],
      ['empty messages', [], 'agent'],
    ])('%s → %s', (_name, messages, initiator) => {
      const facts = readConversation('messages', {
        model: 'claude-sonnet-4',
        max_tokens: 1024,
        system: [{ type: 'text', text: 'You are Claude Code.' }],
        messages,
      });
      expect(facts).toEqual({
        model: 'claude-sonnet-4',
        initiator,
        vision: false,
      });
    });

    it.each<[string, unknown[], boolean]>([
      ['a base64 image block', [claudeImageQuestion], true],
      [
        'an image by URL',
        [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: { type: 'url', url: 'https://example.com/a.png' },
              },
            ],
          },
        ],
        true,
      ],
      [
        'an image inside a tool_result',
        [claudeQuestionString, claudeScreenshotToolUse, claudeScreenshotResult],
        true,
      ],
      [
        'tool results with text only',
        [claudeQuestionString, claudeTwoToolUses, claudeTwoToolResults],
        false,
      ],
      ['a plain-string question', [claudeQuestionString], false],
    ])('vision with %s → %s', (_name, messages, vision) => {
      expect(readConversation('messages', { messages }).vision).toBe(vision);
    });

    it('reads a screenshot tool result as the agent’s turn with vision', () => {
      expect(
        readConversation('messages', {
          model: 'claude-sonnet-4',
          messages: [
            claudeQuestionString,
            claudeScreenshotToolUse,
            claudeScreenshotResult,
          ],
        }),
      ).toEqual({ model: 'claude-sonnet-4', initiator: 'agent', vision: true });
    });

    it('reads an image question as a person’s turn with vision', () => {
      expect(
        readConversation('messages', {
          model: 'claude-sonnet-4',
          messages: [claudeImageQuestion],
        }),
      ).toEqual({ model: 'claude-sonnet-4', initiator: 'user', vision: true });
    });
  });

  describe('Responses', () => {
    it('reads a string input as a person’s turn without vision', () => {
      expect(
        readConversation('responses', {
          model: 'gpt-5',
          input: 'Write a haiku about proxies.',
        }),
      ).toEqual({ model: 'gpt-5', initiator: 'user', vision: false });
    });

    it.each<[string, unknown[], 'user' | 'agent']>([
      ['a user message item', [respDeveloper, respQuestion], 'user'],
      ['a user item without type', [respEasyQuestion], 'user'],
      [
        'a user item without type after a developer one',
        [{ role: 'developer', content: 'Be brief.' }, respEasyQuestion],
        'user',
      ],
      [
        'function_call then function_call_output last',
        [
          respDeveloper,
          respQuestion,
          respReasoning,
          respFunctionCall,
          respFunctionOutput,
        ],
        'agent',
      ],
      [
        'function_call last',
        [respQuestion, respReasoning, respFunctionCall],
        'agent',
      ],
      ['an assistant message last', [respQuestion, respAssistant], 'agent'],
      ['a reasoning item last', [respQuestion, respReasoning], 'agent'],
      [
        'a new user message after a finished tool loop',
        [
          respQuestion,
          respFunctionCall,
          respFunctionOutput,
          respAssistant,
          respEasyQuestion,
        ],
        'user',
      ],
      ['developer only', [respDeveloper], 'agent'],
      ['empty input', [], 'agent'],
    ])('%s → %s', (_name, input, initiator) => {
      const facts = readConversation('responses', {
        model: 'gpt-5',
        instructions: 'You are Codex.',
        input,
        stream: true,
      });
      expect(facts).toEqual({ model: 'gpt-5', initiator, vision: false });
    });

    it.each<[string, unknown[], boolean]>([
      ['an input_image with a data URL', [respImageQuestion], true],
      ['an input_image by file_id', [respImageByFileId], true],
      [
        'an image in an earlier item, tool output last',
        [respImageQuestion, respFunctionCall, respFunctionOutput],
        true,
      ],
      ['input_text only', [respDeveloper, respQuestion], false],
      [
        'output_text only',
        [respQuestion, respAssistant, respEasyQuestion],
        false,
      ],
    ])('vision with %s → %s', (_name, input, vision) => {
      expect(readConversation('responses', { input }).vision).toBe(vision);
    });

    it('reads an image question as a person’s turn with vision', () => {
      expect(
        readConversation('responses', {
          model: 'gpt-5',
          input: [respDeveloper, respImageQuestion],
        }),
      ).toEqual({ model: 'gpt-5', initiator: 'user', vision: true });
    });
  });

  describe('bodies without a conversation', () => {
    const kinds: ConversationKind[] = ['chat', 'messages', 'responses'];

    it.each(
      kinds.flatMap((kind) =>
        [null, undefined, 'a string', 42, true, [{ role: 'user' }]].map(
          (body): [ConversationKind, unknown] => [kind, body],
        ),
      ),
    )('%s: a body that is not an object (%p) has no facts', (kind, body) => {
      expect(readConversation(kind, body)).toEqual({
        model: undefined,
        initiator: undefined,
        vision: false,
      });
    });

    it.each<[ConversationKind, Record<string, unknown>]>([
      ['chat', { model: 'gpt-4o' }],
      ['chat', { model: 'gpt-4o', messages: 'hello' }],
      ['chat', { model: 'gpt-4o', messages: { role: 'user' } }],
      ['chat', { model: 'gpt-4o', input: 'hello' }],
      ['messages', { model: 'gpt-4o' }],
      ['messages', { model: 'gpt-4o', messages: 'hello' }],
      ['messages', { model: 'gpt-4o', input: [respQuestion] }],
      ['responses', { model: 'gpt-4o' }],
      ['responses', { model: 'gpt-4o', input: { role: 'user' } }],
      ['responses', { model: 'gpt-4o', messages: [chatQuestion] }],
    ])(
      '%s: no conversation in %j → initiator undefined, model read',
      (kind, body) => {
        expect(readConversation(kind, body)).toEqual({
          model: 'gpt-4o',
          initiator: undefined,
          vision: false,
        });
      },
    );
  });

  describe('model', () => {
    it.each<[ConversationKind, Record<string, unknown>]>([
      ['chat', { messages: [chatQuestion] }],
      ['messages', { messages: [claudeQuestionString] }],
      ['responses', { input: [respQuestion] }],
    ])('%s: reads a string model', (kind, body) => {
      expect(
        readConversation(kind, { ...body, model: 'claude-opus-4.5' }).model,
      ).toBe('claude-opus-4.5');
    });

    it.each([42, null, { id: 'gpt-4o' }, ['gpt-4o'], true])(
      'ignores a model that is not a string (%p)',
      (model) => {
        const facts = readConversation('chat', {
          model,
          messages: [chatQuestion],
        });
        expect(facts.model).toBeUndefined();
        expect(facts.initiator).toBe('user');
      },
    );

    it('is undefined when the body has no model', () => {
      expect(
        readConversation('responses', { input: 'hello' }).model,
      ).toBeUndefined();
    });
  });

  it('reads a body parsed from the JSON an SDK sends', () => {
    const wire = JSON.stringify({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      stream: true,
      system: 'You are Claude Code.',
      tools: [
        {
          name: 'Bash',
          description: 'Run a command',
          input_schema: { type: 'object' },
        },
      ],
      messages: [claudeQuestionBlocks, claudeToolUse, claudeToolResult],
    });
    expect(readConversation('messages', JSON.parse(wire))).toEqual({
      model: 'claude-sonnet-4',
      initiator: 'agent',
      vision: false,
    });
  });
});

describe('readConversation: images in Responses tool outputs', () => {
  it('sees a screenshot a tool returned (function_call_output.output)', () => {
    const facts = readConversation('responses', {
      model: 'gpt-4.1',
      input: [
        {
          type: 'function_call',
          call_id: 'c1',
          name: 'screenshot',
          arguments: '{}',
        },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          ],
        },
      ],
    });
    expect(facts).toEqual({
      model: 'gpt-4.1',
      initiator: 'agent',
      vision: true,
    });
  });
});

describe('answeredToolCalls: the calls the last turn answers', () => {
  it('reads Chat’s trailing tool messages', () => {
    expect(
      answeredToolCalls('chat', {
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'a', content: '1' },
          { role: 'tool', tool_call_id: 'b', content: '2' },
        ],
      }),
    ).toEqual(['b', 'a']);
    expect(
      answeredToolCalls('chat', {
        messages: [{ role: 'assistant', content: 'go on' }],
      }),
    ).toEqual([]);
  });

  it('reads the last Messages user turn’s tool results', () => {
    expect(
      answeredToolCalls('messages', {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'x' },
            ],
          },
        ],
      }),
    ).toEqual(['toolu_1']);
    expect(
      answeredToolCalls('messages', {
        messages: [{ role: 'assistant', content: 'go on' }],
      }),
    ).toEqual([]);
  });

  it('reads Responses’ trailing call outputs', () => {
    expect(
      answeredToolCalls('responses', {
        input: [
          { role: 'user', content: 'hi' },
          { type: 'function_call_output', call_id: 'c1', output: 'x' },
          { type: 'custom_tool_call_output', call_id: 'c2', output: 'y' },
        ],
      }),
    ).toEqual(['c2', 'c1']);
    expect(
      answeredToolCalls('responses', {
        input: [{ type: 'message', role: 'assistant', content: 'go on' }],
      }),
    ).toEqual([]);
  });

  it('answers nothing for a result without a string id', () => {
    expect(
      answeredToolCalls('chat', {
        messages: [{ role: 'tool', tool_call_id: 7, content: '1' }],
      }),
    ).toEqual([]);
  });
});
