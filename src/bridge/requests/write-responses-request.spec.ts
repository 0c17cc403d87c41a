import {
  UntranslatableError,
  type BridgeNotes,
  type BridgeRequest,
} from '../ir';
import { writeResponsesRequest } from './write-responses-request';

function write(request: Partial<BridgeRequest>) {
  const notes: BridgeNotes = { ignored: [] };
  const body = writeResponsesRequest(
    {
      model: 'gpt-5.1-codex',
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

describe('writeResponsesRequest', () => {
  it('writes a whole conversation', () => {
    const { body, notes } = write({
      stream: true,
      maxOutputTokens: 32000,
      temperature: 1,
      topP: 0.9,
      user: 'u-1',
      reasoning: { enabled: true, budgetTokens: 31999, summary: 'auto' },
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
      ],
      toolChoice: { type: 'required' },
      parallelToolCalls: true,
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
          content: [{ type: 'text', text: 'Dev.' }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            png,
            {
              type: 'image',
              source: 'url',
              url: 'https://x/a.png',
              detail: 'low',
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Plan.', encrypted: 'gAAA', id: 'rs_1' },
            { type: 'text', text: 'Checking.' },
            {
              type: 'tool-call',
              id: 'toolu_1',
              name: 'Bash',
              arguments: '{"command":"ls"}',
            },
            { type: 'tool-call', id: 'toolu_2', name: 'Bash', arguments: '' },
            { type: 'text', text: 'Both started.' },
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
          content: [{ type: 'text', text: 'Plan mode.' }],
        },
      ],
    });
    expect(body).toEqual({
      model: 'gpt-5.1-codex',
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
      max_output_tokens: 32000,
      temperature: 1,
      top_p: 0.9,
      reasoning: { effort: 'high', summary: 'auto' },
      tools: [
        {
          type: 'function',
          name: 'Bash',
          description: 'Runs a command.',
          parameters: {
            type: 'object',
            properties: { command: { type: 'string' } },
          },
          strict: false,
        },
        {
          type: 'function',
          name: 'Strict',
          parameters: { type: 'object' },
          strict: true,
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: true,
      input: [
        {
          type: 'message',
          role: 'system',
          content: [
            { type: 'input_text', text: 'Block one.' },
            { type: 'input_text', text: 'Block two.' },
          ],
        },
        {
          type: 'message',
          role: 'developer',
          content: [{ type: 'input_text', text: 'Dev.' }],
        },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Look:' },
            {
              type: 'input_image',
              image_url: 'data:image/png;base64,iVBORw0KGgo=',
              detail: 'auto',
            },
            {
              type: 'input_image',
              image_url: 'https://x/a.png',
              detail: 'low',
            },
          ],
        },
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [{ type: 'summary_text', text: 'Plan.' }],
          encrypted_content: 'gAAA',
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Checking.' }],
        },
        {
          type: 'function_call',
          call_id: 'toolu_1',
          name: 'Bash',
          arguments: '{"command":"ls"}',
        },
        {
          type: 'function_call',
          call_id: 'toolu_2',
          name: 'Bash',
          arguments: '{}',
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Both started.' }],
        },
        { type: 'function_call_output', call_id: 'toolu_1', output: 'a.txt' },
        {
          type: 'function_call_output',
          call_id: 'toolu_2',
          output: [
            { type: 'input_text', text: 'shot:' },
            {
              type: 'input_image',
              image_url: 'data:image/png;base64,iVBORw0KGgo=',
              detail: 'auto',
            },
          ],
        },
        {
          type: 'message',
          role: 'system',
          content: [{ type: 'input_text', text: 'Plan mode.' }],
        },
      ],
    });
    expect(notes.ignored).toEqual(['user']);
  });

  it('refuses stop sequences, naming the model and the API', () => {
    let error: unknown;
    try {
      write({ stop: ['END'] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UntranslatableError);
    expect((error as UntranslatableError).field).toBe('stop');
    expect((error as UntranslatableError).message).toBe(
      'stop: model gpt-5.1-codex is served on /responses, which has no stop sequences; remove it or use a model served on the API you call',
    );
  });

  it('accepts an empty stop list and sends no empty tool fields', () => {
    const { body } = write({
      stop: [],
      tools: [],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
    });
    expect(body).toEqual({
      model: 'gpt-5.1-codex',
      stream: false,
      store: false,
      include: ['reasoning.encrypted_content'],
      input: [
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'hi' }],
        },
      ],
    });
  });

  it.each([
    [1, 16],
    [16, 16],
    [4096, 4096],
  ])('writes max_output_tokens %i as %i', (asked, sent) => {
    expect(write({ maxOutputTokens: asked }).body.max_output_tokens).toBe(sent);
  });

  it.each<[BridgeRequest['reasoning'], unknown]>([
    [{ enabled: true, budgetTokens: 2048 }, { effort: 'low' }],
    [{ enabled: true, budgetTokens: 10000 }, { effort: 'medium' }],
    [
      { enabled: true, budgetTokens: 31999, effort: 'xhigh' },
      { effort: 'xhigh' },
    ],
    [{ enabled: true, summary: 'auto' }, { summary: 'auto' }],
    [{ enabled: false }, { effort: 'none' }],
    [{ enabled: true }, undefined],
    // Copilot refuses `minimal` on /responses (R14).
    [{ enabled: true, effort: 'minimal' }, { effort: 'low' }],
  ])('writes reasoning %j as %j', (reasoning, expected) => {
    expect(write({ reasoning }).body.reasoning).toEqual(expected);
  });

  it.each<[BridgeRequest['responseFormat'], unknown]>([
    [
      {
        type: 'json_schema',
        name: 'codex_output_schema',
        schema: { type: 'object' },
        strict: true,
      },
      {
        format: {
          type: 'json_schema',
          name: 'codex_output_schema',
          schema: { type: 'object' },
          strict: true,
        },
      },
    ],
    [
      { type: 'json_schema', name: 'output', schema: { type: 'object' } },
      {
        format: {
          type: 'json_schema',
          name: 'output',
          schema: { type: 'object' },
        },
      },
    ],
    [{ type: 'json_object' }, { format: { type: 'json_object' } }],
  ])('writes response format %j as text %j', (responseFormat, expected) => {
    expect(write({ responseFormat }).body.text).toEqual(expected);
  });

  it('writes a function tool choice and flattens namespaced tools', () => {
    const { body } = write({
      tools: [
        { name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: {} },
      ],
      toolChoice: { type: 'tool', name: 'multi_agent_v1__spawn_agent' },
    });
    expect(body.tools).toEqual([
      {
        type: 'function',
        name: 'multi_agent_v1__spawn_agent',
        parameters: {},
        strict: false,
      },
    ]);
    expect(body.tool_choice).toEqual({
      type: 'function',
      name: 'multi_agent_v1__spawn_agent',
    });
  });

  it('leaves out reasoning no Responses model can read, and notes is_error', () => {
    const { body, notes } = write({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Claude thought.', signature: 'sig' },
            { type: 'reasoning', text: '', redacted: 'r' },
            { type: 'reasoning', text: '', encrypted: 'gAAA' },
            { type: 'tool-call', id: 'c1', name: 'f', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'c1', content: [], isError: true },
      ],
    });
    expect(body.input).toEqual([
      { type: 'reasoning', summary: [], encrypted_content: 'gAAA' },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: '' },
    ]);
    expect(notes.ignored).toEqual(['reasoning-history', 'is_error']);
  });
});
