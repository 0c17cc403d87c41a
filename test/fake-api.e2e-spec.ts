import { request } from 'node:http';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, RawResponse, target } from './support/http-client';

/**
 * The fake Copilot API itself, over HTTP, with no proxy in front: what the proxy's
 * tests rely on it to do as the 2026 Copilot API does (COPILOT-API.md).
 */

const TOKEN = 'test-copilot-token';
const HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  'editor-version': 'vscode/1.104.3',
  'content-type': 'application/json',
};
const ARGS = '{"command":"echo hi"}';

interface Event {
  event?: string;
  data: any;
}

/** The events of an SSE body: `event:` name (if any) and `data:` parsed as JSON (`[DONE]` kept). */
function eventsOf(body: Buffer): Event[] {
  return body
    .toString('utf8')
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines
        .find((l) => l.startsWith('event: '))
        ?.slice('event: '.length);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice('data: '.length))
        .join('\n');
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}

const chatTools = (...names: string[]) =>
  names.map((name) => ({
    type: 'function',
    function: { name, parameters: { type: 'object', properties: {} } },
  }));
const anthropicTools = (...names: string[]) =>
  names.map((name) => ({ name, input_schema: { type: 'object' } }));
const responsesTools = (...names: string[]) =>
  names.map((name) => ({ type: 'function', name, parameters: {} }));

describe('the fake Copilot API', () => {
  let fake: FakeCopilotApi;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());
  afterEach(() => fake.clearScripts());

  const post = (
    path: string,
    body: object | string,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> =>
    rawRequest(fake.url + path, {
      method: 'POST',
      headers: { ...HEADERS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const postJson = async (path: string, body: object): Promise<any> => {
    const res = await post(path, body);
    expect(res.status).toBe(200);
    return JSON.parse(res.body.toString());
  };
  const postSse = async (path: string, body: object): Promise<Event[]> => {
    const res = await post(path, body);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    return eventsOf(res.body);
  };

  describe('GET /models', () => {
    it('lists a model of each kind, with the API fields of each', async () => {
      const res = await rawRequest(fake.url + '/models', { headers: HEADERS });
      expect(res.status).toBe(200);
      const list = JSON.parse(res.body.toString());
      expect(list.object).toBe('list');
      const byId = new Map<string, any>(list.data.map((m: any) => [m.id, m]));
      expect([...byId.keys()]).toEqual([
        'gpt-4o',
        'claude-sonnet-4',
        'claude-opus-4',
        'claude-haiku-4.5',
        'gpt-4.1',
        'gemini-2.5-pro',
        'gpt-5.1-codex',
        'gpt-5-mini',
        'claude-sonnet-4.5',
        'claude-opus-4.6',
      ]);
      const billing = (id: string) => byId.get(id).billing;
      expect(billing('gpt-4o')).toEqual({ is_premium: false, multiplier: 1 });
      expect(billing('claude-sonnet-4')).toEqual({
        is_premium: true,
        multiplier: 1,
      });
      expect(billing('claude-opus-4').multiplier).toBe(10);
      expect(billing('claude-haiku-4.5').multiplier).toBe(0.33);
      expect(billing('gpt-4.1')).toEqual({ is_premium: false, multiplier: 0 });
      expect(billing('gemini-2.5-pro')).toEqual({
        is_premium: true,
        multiplier: 1,
      });
      expect(billing('gpt-5.1-codex')).toEqual({
        is_premium: true,
        multiplier: 1,
      });
      expect(billing('gpt-5-mini')).toEqual({
        is_premium: false,
        multiplier: 0,
      });
      expect(billing('claude-sonnet-4.5').multiplier).toBe(1);
      expect(billing('claude-opus-4.6').multiplier).toBe(10);

      // Chat only: the field is absent, not empty.
      expect('supported_endpoints' in byId.get('gemini-2.5-pro')).toBe(false);
      const endpoints = (id: string) => byId.get(id).supported_endpoints;
      expect(endpoints('gpt-5.1-codex')).toEqual(['/responses']);
      expect(endpoints('gpt-5-mini')).toEqual([
        '/chat/completions',
        '/responses',
        '/v1/messages',
      ]);
      expect(endpoints('claude-opus-4.6')).toEqual([
        '/chat/completions',
        '/v1/messages',
      ]);
      expect(endpoints('gpt-4o')).toEqual(['/chat/completions']);
      for (const model of list.data) {
        expect(model.capabilities.limits.max_prompt_tokens).toBeGreaterThan(0);
        expect(typeof model.capabilities.supports.tool_calls).toBe('boolean');
      }
    });
  });

  describe('model checks', () => {
    const NOT_SUPPORTED =
      '{"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}\n';

    it.each([
      ['/chat/completions', { messages: [{ role: 'user', content: 'x' }] }],
      [
        '/v1/messages',
        { max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      ],
      ['/responses', { input: 'x' }],
    ])(
      'refuses a model the account does not list on %s, as Copilot does',
      async (path, body) => {
        for (const model of ['gpt-5', 'claude-sonnet-4-5-20250929', 42]) {
          const res = await post(path, { ...body, model, stream: true });
          expect(res.status).toBe(400);
          expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
          expect(res.body.toString()).toBe(NOT_SUPPORTED);
          expect(fake.served.at(-1)).toMatchObject({
            path,
            model,
            status: 400,
            stream: true,
            scripted: false,
          });
        }
      },
    );

    it('refuses a listed model on an API it is not served on, with the message for that API', async () => {
      const refusal = async (path: string, model: string) => {
        const res = await post(path, {
          model,
          input: 'x',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x' }],
        });
        expect(res.status).toBe(400);
        return JSON.parse(res.body.toString());
      };
      expect(await refusal('/chat/completions', 'gpt-5.1-codex')).toEqual({
        error: {
          message:
            'model "gpt-5.1-codex" is not accessible via the /chat/completions endpoint',
          code: 'unsupported_api_for_model',
        },
      });
      expect(await refusal('/v1/messages', 'gpt-4o')).toEqual({
        error: {
          message:
            'model "gpt-4o" is not accessible via the /v1/messages endpoint',
          code: 'unsupported_api_for_model',
        },
      });
      // supported_endpoints absent: chat only.
      expect(await refusal('/responses', 'gemini-2.5-pro')).toEqual({
        error: {
          message: 'model gemini-2.5-pro does not support Responses API.',
          code: 'unsupported_api_for_model',
          type: 'invalid_request_error',
        },
      });
      expect((await refusal('/responses', 'claude-sonnet-4')).error.code).toBe(
        'unsupported_api_for_model',
      );
      expect((await refusal('/v1/messages', 'gemini-2.5-pro')).error.code).toBe(
        'unsupported_api_for_model',
      );
    });

    it('serves each model on the APIs it lists', async () => {
      const ok = async (path: string, model: string) =>
        (
          await post(path, {
            model,
            stream: false,
            input: 'x',
            max_tokens: 5,
            messages: [{ role: 'user', content: 'x' }],
          })
        ).status;
      expect(await ok('/chat/completions', 'gemini-2.5-pro')).toBe(200);
      expect(await ok('/responses', 'gpt-5.1-codex')).toBe(200);
      for (const path of ['/chat/completions', '/responses', '/v1/messages'])
        expect(await ok(path, 'gpt-5-mini')).toBe(200);
      expect(await ok('/v1/messages', 'claude-opus-4.6')).toBe(200);
      expect(await ok('/chat/completions', 'claude-opus-4.6')).toBe(200);
    });

    it('answers a body without a model as the default model of each API', async () => {
      const chat = await postJson('/chat/completions', {
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(chat.model).toBe('gpt-4o');
      const messages = await postJson('/v1/messages', {
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(messages.model).toBe('claude-sonnet-4');
      const responses = await postJson('/responses', {
        input: 'x',
        stream: false,
      });
      expect(responses.model).toBe('gpt-4.1');
      expect(fake.served.at(-1)).toMatchObject({
        path: '/responses',
        model: 'gpt-4.1',
        status: 200,
        stream: false,
      });
    });

    it('echoes the body’s model in Anthropic answers, plain and streamed', async () => {
      const body = {
        model: 'claude-opus-4.6',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
      };
      expect((await postJson('/v1/messages', body)).model).toBe(
        'claude-opus-4.6',
      );
      const events = await postSse('/v1/messages', { ...body, stream: true });
      expect(events[0].data.message.model).toBe('claude-opus-4.6');
    });
  });

  describe('tool calls on Chat Completions', () => {
    const body = (text: string, tools = chatTools('bash', 'read')) => ({
      model: 'gpt-4o',
      tools,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text }] },
      ],
    });

    it('calls the first tool for USE_TOOL, two for USE_TOOLS, with unique call_ ids', async () => {
      const one = await postJson('/chat/completions', body('please USE_TOOL'));
      expect(one.choices[0].finish_reason).toBe('tool_calls');
      expect(one.choices[0].message.content).toBeNull();
      const [call] = one.choices[0].message.tool_calls;
      expect(one.choices[0].message.tool_calls).toHaveLength(1);
      expect(call).toEqual({
        id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
        type: 'function',
        function: { name: 'bash', arguments: ARGS },
      });

      const two = await postJson('/chat/completions', body('USE_TOOLS now'));
      const calls = two.choices[0].message.tool_calls;
      expect(calls.map((c: any) => c.function.name)).toEqual(['bash', 'read']);
      expect(calls[0].id).not.toBe(calls[1].id);

      const twice = await postJson(
        '/chat/completions',
        body('USE_TOOLS', chatTools('only')),
      );
      expect(
        twice.choices[0].message.tool_calls.map((c: any) => c.function.name),
      ).toEqual(['only', 'only']);
    });

    it('makes an empty-arguments call, a text-then-call answer, and no call without tools', async () => {
      const empty = await postJson('/chat/completions', body('USE_TOOL_EMPTY'));
      expect(empty.choices[0].message.tool_calls[0].function.arguments).toBe(
        '',
      );
      const mixed = await postJson(
        '/chat/completions',
        body('USE_TOOL_AND_TEXT'),
      );
      expect(mixed.choices[0].message.content).toBe('Let me run that.');
      expect(mixed.choices[0].message.tool_calls).toHaveLength(1);
      expect(mixed.choices[0].finish_reason).toBe('tool_calls');
      const none = await postJson('/chat/completions', body('USE_TOOL', []));
      expect(none.choices[0].message).toEqual({
        role: 'assistant',
        content: 'Hello from the fake.',
      });
      expect(none.choices[0].finish_reason).toBe('stop');
    });

    it('streams tool-call deltas by index: id, type, name and "" first, then the arguments in fragments', async () => {
      const events = await postSse('/chat/completions', {
        ...body('USE_TOOLS'),
        stream: true,
      });
      expect(events.at(-1)!.data).toBe('[DONE]');
      const chunks = events.slice(1, -1).map((e) => e.data);
      const last = chunks.at(-1);
      expect(last.choices[0].finish_reason).toBe('tool_calls');
      expect(last.usage.completion_tokens).toBe(chunks.length - 1);
      const deltas = chunks.slice(0, -1).map((c) => c.choices[0].delta);
      expect(deltas[0].role).toBe('assistant');
      const calls = new Map<
        number,
        { id: string; name: string; args: string[] }
      >();
      for (const delta of deltas) {
        expect(delta.tool_calls).toHaveLength(1);
        const [part] = delta.tool_calls;
        if (part.id !== undefined) {
          expect(calls.has(part.index)).toBe(false);
          expect(part.type).toBe('function');
          expect(part.function.arguments).toBe('');
          calls.set(part.index, {
            id: part.id,
            name: part.function.name,
            args: [],
          });
        } else {
          expect(Object.keys(part).sort()).toEqual(['function', 'index']);
          calls.get(part.index)!.args.push(part.function.arguments);
        }
      }
      expect([...calls.keys()]).toEqual([0, 1]);
      const [first, second] = [calls.get(0)!, calls.get(1)!];
      expect([first.name, second.name]).toEqual(['bash', 'read']);
      expect(first.id).toMatch(/^call_/);
      expect(first.id).not.toBe(second.id);
      for (const call of [first, second]) {
        expect(call.args.length).toBeGreaterThanOrEqual(2);
        expect(JSON.parse(call.args.join(''))).toEqual({ command: 'echo hi' });
      }
    });

    it('streams text before the call for USE_TOOL_AND_TEXT, and only the opening delta for empty arguments', async () => {
      const mixed = await postSse('/chat/completions', {
        ...body('USE_TOOL_AND_TEXT'),
        stream: true,
      });
      const deltas: any[] = mixed
        .slice(1, -2)
        .map((e) => e.data.choices[0].delta);
      const firstCall = deltas.findIndex((d) => d.tool_calls);
      expect(firstCall).toBeGreaterThan(0);
      expect(
        deltas
          .slice(0, firstCall)
          .map((d) => d.content)
          .join(''),
      ).toBe('Let me run that.');
      expect(deltas.slice(firstCall).every((d) => d.tool_calls)).toBe(true);

      const empty = await postSse('/chat/completions', {
        ...body('USE_TOOL_EMPTY'),
        stream: true,
      });
      const parts = empty
        .slice(1, -2)
        .flatMap((e) => e.data.choices[0].delta.tool_calls);
      expect(parts).toHaveLength(1);
      expect(parts[0].function).toEqual({ name: 'bash', arguments: '' });
    });
  });

  describe('tool calls on Anthropic Messages', () => {
    const body = (text: string, tools = anthropicTools('Bash', 'Read')) => ({
      model: 'claude-sonnet-4.5',
      max_tokens: 100,
      tools,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'context' },
            { type: 'text', text },
          ],
        },
      ],
    });

    it('answers tool_use blocks with unique toolu_ ids and stop_reason tool_use', async () => {
      const one = await postJson('/v1/messages', body('USE_TOOL run echo'));
      expect(one.stop_reason).toBe('tool_use');
      expect(one.content).toEqual([
        {
          type: 'tool_use',
          id: expect.stringMatching(/^toolu_[A-Za-z0-9]{24}$/),
          name: 'Bash',
          input: { command: 'echo hi' },
        },
      ]);
      const two = await postJson('/v1/messages', body('USE_TOOLS'));
      expect(two.content.map((b: any) => b.name)).toEqual(['Bash', 'Read']);
      expect(two.content[0].id).not.toBe(two.content[1].id);
      const empty = await postJson('/v1/messages', body('USE_TOOL_EMPTY'));
      expect(empty.content[0].input).toEqual({});
      const mixed = await postJson('/v1/messages', body('USE_TOOL_AND_TEXT'));
      expect(mixed.content.map((b: any) => b.type)).toEqual([
        'text',
        'tool_use',
      ]);
      expect(mixed.content[0].text).toBe('Let me run that.');
      const none = await postJson('/v1/messages', body('USE_TOOL', []));
      expect(none.stop_reason).toBe('end_turn');
      expect(none.content).toEqual([
        { type: 'text', text: 'Hello from the fake Claude.' },
      ]);
    });

    it('streams a text block then tool_use blocks whose input_json_delta fragments make the input', async () => {
      const events = await postSse('/v1/messages', {
        ...body('USE_TOOL_AND_TEXT'),
        stream: true,
      });
      for (const e of events) expect(e.data.type).toBe(e.event);
      expect(events.map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const text = events.filter(
        (e) => e.event === 'content_block_delta' && e.data.index === 0,
      );
      expect(text.map((e) => e.data.delta.text).join('')).toBe(
        'Let me run that.',
      );
      const start = events[6].data;
      expect(start.index).toBe(1);
      expect(start.content_block).toEqual({
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'Bash',
        input: {},
      });
      const json = events
        .filter((e) => e.event === 'content_block_delta' && e.data.index === 1)
        .map((e) => {
          expect(e.data.delta.type).toBe('input_json_delta');
          return e.data.delta.partial_json as string;
        });
      expect(json.length).toBeGreaterThanOrEqual(2);
      expect(JSON.parse(json.join(''))).toEqual({ command: 'echo hi' });
      expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    });

    it('streams parallel tool_use blocks by index, and an empty input as one "" fragment', async () => {
      const events = await postSse('/v1/messages', {
        ...body('USE_TOOLS'),
        stream: true,
      });
      const starts = events.filter((e) => e.event === 'content_block_start');
      expect(
        starts.map((e) => [e.data.index, e.data.content_block.name]),
      ).toEqual([
        [0, 'Bash'],
        [1, 'Read'],
      ]);
      expect(starts[0].data.content_block.id).not.toBe(
        starts[1].data.content_block.id,
      );
      const empty = await postSse('/v1/messages', {
        ...body('USE_TOOL_EMPTY'),
        stream: true,
      });
      const deltas = empty.filter((e) => e.event === 'content_block_delta');
      expect(deltas.map((e) => e.data.delta)).toEqual([
        { type: 'input_json_delta', partial_json: '' },
      ]);
    });
  });

  describe('tool calls on Responses', () => {
    const body = (
      text: string,
      tools: object[] = responsesTools('exec', 'view'),
    ) => ({
      model: 'gpt-5.1-codex',
      tools: [{ type: 'web_search' }, ...tools],
      input: [
        {
          type: 'message',
          role: 'developer',
          content: [{ type: 'input_text', text: 'rules' }],
        },
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text }],
        },
      ],
    });

    it('answers function_call items: fc_ ids, call_ call_ids, the first function tools', async () => {
      const one = await postJson('/responses', {
        ...body('USE_TOOL'),
        stream: false,
      });
      expect(one.status).toBe('completed');
      expect(one.output).toEqual([
        {
          type: 'function_call',
          id: expect.stringMatching(/^fc_/),
          call_id: expect.stringMatching(/^call_/),
          name: 'exec',
          arguments: ARGS,
          status: 'completed',
        },
      ]);
      const two = await postJson('/responses', {
        ...body('USE_TOOLS'),
        stream: false,
      });
      expect(two.output.map((i: any) => i.name)).toEqual(['exec', 'view']);
      expect(new Set(two.output.map((i: any) => i.call_id)).size).toBe(2);
      expect(new Set(two.output.map((i: any) => i.id)).size).toBe(2);
      const mixed = await postJson('/responses', {
        ...body('USE_TOOL_AND_TEXT'),
        stream: false,
      });
      expect(mixed.output.map((i: any) => i.type)).toEqual([
        'message',
        'function_call',
      ]);
      const empty = await postJson('/responses', {
        ...body('USE_TOOL_EMPTY'),
        stream: false,
      });
      expect(empty.output[0].arguments).toBe('');
      // web_search is not a function tool: no call without function tools.
      const none = await postJson('/responses', {
        ...body('USE_TOOL', []),
        stream: false,
      });
      expect(none.output.map((i: any) => i.type)).toEqual(['message']);
    });

    it('streams function_call items with arguments deltas and done, in sequence', async () => {
      const events = await postSse('/responses', body('USE_TOOLS'));
      events.forEach((e, i) => {
        expect(e.data.type).toBe(e.event);
        expect(e.data.sequence_number).toBe(i);
      });
      expect(events.map((e) => e.event)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const completed = events.at(-1)!.data.response;
      expect(completed.status).toBe('completed');
      completed.output.forEach((item: any, output_index: number) => {
        const of = events.filter((e) => e.data.output_index === output_index);
        const added = of[0].data.item;
        expect(added).toMatchObject({
          type: 'function_call',
          id: item.id,
          call_id: item.call_id,
          name: item.name,
          arguments: '',
          status: 'in_progress',
        });
        const deltas = of
          .filter((e) => e.event === 'response.function_call_arguments.delta')
          .map((e) => {
            expect(e.data.item_id).toBe(item.id);
            return e.data.delta as string;
          });
        expect(deltas.join('')).toBe(ARGS);
        const done = of.find(
          (e) => e.event === 'response.function_call_arguments.done',
        )!;
        expect(done.data.arguments).toBe(ARGS);
        expect(of.at(-1)!.data.item).toEqual(item);
      });
      expect(completed.output.map((i: any) => i.name)).toEqual([
        'exec',
        'view',
      ]);
    });
  });

  describe('the tool-result turn', () => {
    it('answers "Tool said: <result>" on Chat, after a two-turn loop, plain and streamed', async () => {
      const tools = chatTools('bash');
      const user = { role: 'user', content: 'USE_TOOL please' };
      const first = await postJson('/chat/completions', {
        tools,
        messages: [user],
      });
      const assistant = first.choices[0].message;
      const next = {
        tools,
        messages: [
          user,
          assistant,
          {
            role: 'tool',
            tool_call_id: assistant.tool_calls[0].id,
            content: 'hi',
          },
        ],
      };
      const second = await postJson('/chat/completions', next);
      expect(second.choices[0].message.content).toBe('Tool said: hi');
      expect(second.choices[0].finish_reason).toBe('stop');
      const streamed = await postSse('/chat/completions', {
        ...next,
        stream: true,
      });
      const text = streamed
        .slice(1, -2)
        .map((e) => e.data.choices[0].delta.content)
        .join('');
      expect(text).toBe('Tool said: hi');
      expect(streamed.at(-2)!.data.choices[0].finish_reason).toBe('stop');
    });

    it('answers "Tool said: <result>" on Messages, for string and block results', async () => {
      const tools = anthropicTools('Bash');
      const user = { role: 'user', content: 'USE_TOOL run echo' };
      const first = await postJson('/v1/messages', {
        max_tokens: 50,
        tools,
        messages: [user],
      });
      const id = first.content[0].id;
      const answer = async (content: unknown) =>
        postJson('/v1/messages', {
          max_tokens: 50,
          tools,
          messages: [
            user,
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: id, content }],
            },
          ],
        });
      expect((await answer('hi')).content).toEqual([
        { type: 'text', text: 'Tool said: hi' },
      ]);
      const blocks = await answer([{ type: 'text', text: 'hi there' }]);
      expect(blocks.content[0].text).toBe('Tool said: hi there');
      expect(blocks.stop_reason).toBe('end_turn');
    });

    it('answers "Tool said: <result>" on Responses after function_call_output items, streamed', async () => {
      const tools = responsesTools('exec');
      const user = { role: 'user', content: 'USE_TOOLS' };
      const first = await postJson('/responses', {
        tools,
        input: [user],
        stream: false,
      });
      const outputs = first.output.map((call: any, i: number) => ({
        type: 'function_call_output',
        call_id: call.call_id,
        output: `out${i}`,
      }));
      const events = await postSse('/responses', {
        tools,
        input: [user, ...first.output, ...outputs],
      });
      const done = events.find((e) => e.event === 'response.output_text.done')!;
      expect(done.data.text).toBe('Tool said: out0 | out1');
      expect(events.at(-1)!.data.response.output).toHaveLength(1);
    });
  });

  describe('the Responses grammar', () => {
    it('streams a text answer as the full grammar, each event with its sequence_number', async () => {
      fake.copilotUsage = true;
      try {
        const events = await postSse('/responses', {
          model: 'gpt-5-mini',
          input: 'hello',
        });
        expect(events.map((e) => e.event)).toEqual([
          'response.created',
          'response.in_progress',
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.delta',
          'response.output_text.delta',
          'response.output_text.done',
          'response.content_part.done',
          'response.output_item.done',
          'response.completed',
        ]);
        events.forEach((e, i) => {
          expect(e.data.type).toBe(e.event);
          expect(e.data.sequence_number).toBe(i);
        });
        const [created, inProgress, added, partAdded] = events.map(
          (e) => e.data,
        );
        for (const start of [created, inProgress]) {
          expect(start.response).toMatchObject({
            id: 'resp_fake',
            object: 'response',
            status: 'in_progress',
            model: 'gpt-5-mini',
            output: [],
          });
        }
        expect(added.item).toMatchObject({
          type: 'message',
          id: 'msg_fake',
          status: 'in_progress',
          role: 'assistant',
          content: [],
        });
        expect(partAdded).toMatchObject({
          item_id: 'msg_fake',
          output_index: 0,
          content_index: 0,
          part: { type: 'output_text', text: '' },
        });
        const deltas = events
          .filter((e) => e.event === 'response.output_text.delta')
          .map((e) => e.data.delta as string);
        const text = events[6].data.text;
        expect(deltas.join('')).toBe(text);
        expect(text).toBe('Hi there.');
        expect(events[7].data.part.text).toBe(text);
        const item = events[8].data.item;
        expect(item).toEqual({
          type: 'message',
          id: 'msg_fake',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text, annotations: [] }],
        });
        const completed = events[9].data.response;
        expect(completed.status).toBe('completed');
        expect(completed.output).toEqual([item]);
        expect(completed.usage).toEqual({
          input_tokens: 9,
          input_tokens_details: { cached_tokens: 1 },
          output_tokens: 3,
          total_tokens: 12,
        });
        expect(completed.copilot_usage.total_nano_aiu).toBe(1234000);
      } finally {
        fake.copilotUsage = false;
      }
    });

    it('answers the complete response object when not streamed', async () => {
      const answer = await postJson('/responses', {
        model: 'gpt-4.1',
        input: 'hello',
        stream: false,
      });
      expect(answer).toEqual({
        id: 'resp_fake',
        object: 'response',
        created_at: expect.any(Number),
        status: 'completed',
        model: 'gpt-4.1',
        output: [
          {
            type: 'message',
            id: 'msg_fake',
            status: 'completed',
            role: 'assistant',
            content: [
              { type: 'output_text', text: 'Hi there.', annotations: [] },
            ],
          },
        ],
        parallel_tool_calls: true,
        error: null,
        incomplete_details: null,
        usage: {
          input_tokens: 9,
          input_tokens_details: { cached_tokens: 1 },
          output_tokens: 3,
          total_tokens: 12,
        },
      });
    });

    it('spaces events x-fake-interval-ms apart when asked', async () => {
      const started = Date.now();
      const res = await post(
        '/responses',
        { input: 'x' },
        { 'x-fake-interval-ms': '20' },
      );
      // 10 events, 9 gaps of 20 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(170);
      expect(eventsOf(res.body)).toHaveLength(10);
    });
  });

  describe('the fingerprint check', () => {
    let strict: FakeCopilotApi;
    beforeAll(async () => {
      strict = await new FakeCopilotApi({
        minEditorVersion: 'vscode/1.110.0',
      }).start();
    });
    afterAll(() => strict.stop());

    const ask = (editorVersion: string, path = '/chat/completions') =>
      rawRequest(strict.url + path, {
        method: path === '/models' ? 'GET' : 'POST',
        headers: { ...HEADERS, 'editor-version': editorVersion },
        body:
          path === '/models'
            ? undefined
            : JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
      });

    it('answers 466 to an Editor-Version older than minEditorVersion, on every Copilot route', async () => {
      for (const path of ['/chat/completions', '/models', '/responses']) {
        const res = await ask('vscode/1.104.3', path);
        expect(res.status).toBe(466);
        expect(JSON.parse(res.body.toString())).toEqual({
          error: {
            message:
              'bad request: the specified API version is no longer supported. You may need to update your client to a newer version.\n',
            type: 'error',
          },
        });
      }
      expect((await ask('vscode/1.99.12')).status).toBe(466);
      expect((await ask('vscode')).status).toBe(466);
    });

    it('accepts that version and newer ones, and any version without the option', async () => {
      expect((await ask('vscode/1.110.0')).status).toBe(200);
      expect((await ask('vscode/1.124.2')).status).toBe(200);
      expect((await ask('vscode/2.0')).status).toBe(200);
      const res = await post('/chat/completions', {
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(res.status).toBe(200); // `fake` has no minimum: vscode/1.104.3 passes.
    });

    it('can be changed on a running fake', async () => {
      strict.minEditorVersion = undefined;
      try {
        expect((await ask('vscode/1.0.0')).status).toBe(200);
      } finally {
        strict.minEditorVersion = 'vscode/1.110.0';
      }
      expect((await ask('vscode/1.0.0')).status).toBe(466);
    });
  });

  describe('scripted answers', () => {
    it('answers the next request under the prefix exactly as scripted, then the route again', async () => {
      fake.script('/chat/completions', {
        status: 429,
        headers: {
          'retry-after': '3600',
          'x-ratelimit-exceeded': 'global-usage-5-hour-key',
        },
        body: '{"message":"slow down","code":"rate_limited"}',
        times: 2,
      });
      const chat = { messages: [{ role: 'user', content: 'x' }] };
      for (let i = 0; i < 2; i++) {
        const res = await post('/chat/completions', chat);
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toBe('3600');
        expect(res.headers['x-ratelimit-exceeded']).toBe(
          'global-usage-5-hour-key',
        );
        expect(res.headers['content-type']).toBeUndefined();
        expect(res.headers['content-length']).toBe('45');
        expect(res.body.toString()).toBe(
          '{"message":"slow down","code":"rate_limited"}',
        );
        expect(fake.served.at(-1)).toMatchObject({
          path: '/chat/completions',
          status: 429,
          scripted: true,
        });
      }
      expect(fake.pendingScripts).toBe(0);
      expect((await post('/chat/completions', chat)).status).toBe(200);
      expect(fake.served.at(-1)!.scripted).toBe(false);
    });

    it('matches by path prefix, first scripted first, after the token and Editor-Version checks', async () => {
      fake.script('/v1/', { status: 500, body: 'first' });
      fake.script('/v1/messages', { status: 502, body: 'second' });
      const body = {
        max_tokens: 5,
        messages: [{ role: 'user', content: 'x' }],
      };
      // Not under the prefix: the route answers.
      expect((await post('/chat/completions', body)).status).toBe(200);
      // Refused before the script is looked at: nothing used up.
      const refused = await post('/v1/messages', body, { authorization: '' });
      expect(refused.status).toBe(401);
      expect(fake.pendingScripts).toBe(2);
      expect((await post('/v1/messages', body)).body.toString()).toBe('first');
      expect((await post('/v1/messages', body)).body.toString()).toBe('second');
      expect((await post('/v1/messages', body)).status).toBe(200);
    });

    it('writes chunks one by one, in order, chunkIntervalMs apart', async () => {
      const chunks = [
        'event: message_start\r\ndata: {"type":"message_start"}\r\n\r\n',
        Buffer.from('event: error\r\ndata: {"type":"error"}\r\n\r\n'),
        'data: [DONE]\r\n\r\n',
      ];
      fake.script('/v1/messages', {
        headers: { 'content-type': 'text/event-stream' },
        chunks,
        chunkIntervalMs: 60,
      });
      const arrivals: Array<{ at: number; text: string }> = [];
      const started = Date.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            ...target(fake.url + '/v1/messages'),
            method: 'POST',
            headers: HEADERS,
          },
          (res) => {
            res.setEncoding('utf8');
            res.on('data', (text: string) =>
              arrivals.push({ at: Date.now(), text }),
            );
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(200);
      expect(arrivals.map((a) => a.text).join('')).toBe(
        chunks.map((c) => c.toString()).join(''),
      );
      // Apart on the wire (a busy reader may still get two in one read) …
      expect(arrivals.length).toBeGreaterThanOrEqual(2);
      // … and the last written two intervals after the first.
      expect(arrivals.at(-1)!.at - started).toBeGreaterThanOrEqual(115);
      expect(fake.served.at(-1)).toMatchObject({
        stream: true,
        scripted: true,
      });
    });

    it('serves scripted answers to any Copilot path, huge bodies included, and refuses a body with chunks', async () => {
      const huge = Buffer.alloc(5 * 1024 * 1024, 'a');
      fake.script('/models', {
        body: huge,
        headers: { 'content-type': 'application/json' },
      });
      const res = await rawRequest(fake.url + '/models', { headers: HEADERS });
      expect(res.headers['content-length']).toBe(String(huge.length));
      expect(res.body.equals(huge)).toBe(true);
      expect(() => fake.script('/x', { body: 'a', chunks: ['b'] })).toThrow(
        'not both',
      );
    });
  });

  describe('request records', () => {
    it('finds the last request to a path and reads its body', async () => {
      await post('/responses?x=1', { model: 'gpt-5-mini', input: 'one' });
      await post('/chat/completions', { messages: [] });
      const record = fake.lastRequest('/responses')!;
      expect(record.url).toBe('/responses?x=1');
      expect(fake.bodyOf(record)).toEqual({
        model: 'gpt-5-mini',
        input: 'one',
      });
      expect(fake.lastRequest('/nowhere')).toBeUndefined();
      const served = fake.served.filter((s) => s.request === record);
      expect(served).toEqual([
        {
          path: '/responses',
          model: 'gpt-5-mini',
          status: 200,
          stream: true,
          scripted: false,
          request: record,
        },
      ]);
    });

    it('keeps none with recordRequests: false', async () => {
      const quiet = await new FakeCopilotApi({ recordRequests: false }).start();
      try {
        const res = await rawRequest(quiet.url + '/chat/completions', {
          method: 'POST',
          headers: HEADERS,
          body: '{}',
        });
        expect(res.status).toBe(200);
        expect(quiet.requests).toEqual([]);
        expect(quiet.served).toEqual([]);
      } finally {
        await quiet.stop();
      }
    });
  });
});
