import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest } from './support/http-client';
import { startApp, TestApp } from './support/test-app';
import { sdkClients } from './support/sdk-clients';

/** A 1×1 PNG, as SDKs inline screenshots. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const BASH = {
  name: 'Bash',
  description: 'Runs a command',
  input_schema: {
    type: 'object' as const,
    properties: { command: { type: 'string' } },
    required: ['command'],
  },
};
const EXEC = {
  type: 'function' as const,
  function: {
    name: 'exec_command',
    description: 'Runs a command',
    parameters: {
      type: 'object',
      properties: { command: { type: 'string' } },
    },
  },
};

describe('the bridge: every model from every client API', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  let anthropic: Anthropic;
  let openai: OpenAI;
  const served = (path: string) =>
    fake.served.filter((s) => s.path === path && !s.scripted);
  const lastBody = (path: string) =>
    fake.bodyOf<Record<string, any>>(fake.lastRequest(path)!);

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      MODEL_ALIASES: 'opus=claude-opus-4.6',
    });
    ({ anthropic, openai } = sdkClients(proxy.url));
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  describe('model ids', () => {
    it('sends a listed id as it is, and a native request byte for byte', async () => {
      const body =
        '{"model":"claude-sonnet-4.5","max_tokens":20,\n "messages":[{"role":"user","content":"Hi"}]}';
      const res = await rawRequest(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      expect(fake.lastRequest('/v1/messages')!.body.toString()).toBe(body);
      expect(res.headers['x-copilot-bridge']).toBeUndefined();
    });

    it.each([
      ['claude-haiku-4-5-20251001', 'claude-haiku-4.5'],
      ['claude-sonnet-4-5', 'claude-sonnet-4.5'],
      ['opus', 'claude-opus-4.6'],
    ])('sends %s as %s, changing only the model value', async (asked, id) => {
      const body = `{"model": "${asked}", "max_tokens": 20, "messages": [{"role":"user","content":"model ${asked}"}]}`;
      const res = await rawRequest(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      expect(fake.lastRequest('/v1/messages')!.body.toString()).toBe(
        body.replace(`"model": "${asked}"`, `"model": "${id}"`),
      );
    });

    it("leaves an id it cannot resolve unchanged; Copilot refuses it, answered as Anthropic's unknown model (404) naming the closest served ids", async () => {
      const error = await anthropic.messages
        .create({
          model: 'claude-opus-4-8',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'Hi' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect((error as Error).message).toMatch(/closest served ids: claude-/);
      expect(lastBody('/v1/messages').model).toBe('claude-opus-4-8');
    });
  });

  describe('Messages → Chat (an Anthropic client on a chat-only model)', () => {
    it('answers a plain turn in Anthropic shape', async () => {
      const message = await anthropic.messages.create({
        model: 'gemini-2.5-pro',
        max_tokens: 64,
        system: [
          { type: 'text', text: 'You are terse.' },
          { type: 'text', text: 'Answer in English.' },
        ],
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(message.type).toBe('message');
      expect(message.model).toBe('gemini-2.5-pro');
      expect(message.stop_reason).toBe('end_turn');
      expect(message.content[0]).toMatchObject({ type: 'text' });
      const sent = lastBody('/chat/completions');
      expect(sent.model).toBe('gemini-2.5-pro');
      expect(sent.messages[0].role).toBe('system');
      expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'Hi' });
      expect(sent.max_tokens).toBe(64);
    });

    it('runs a two-turn tool loop, streamed, with the ids kept across turns', async () => {
      const first = await anthropic.messages
        .stream({
          model: 'gemini-2.5-pro',
          max_tokens: 64,
          tools: [BASH],
          messages: [{ role: 'user', content: 'USE_TOOL run echo' }],
        })
        .finalMessage();
      expect(first.stop_reason).toBe('tool_use');
      const call = first.content.find((b) => b.type === 'tool_use')!;
      expect(call).toMatchObject({
        type: 'tool_use',
        name: 'Bash',
        input: { command: 'echo hi' },
      });
      const second = await anthropic.messages
        .stream({
          model: 'gemini-2.5-pro',
          max_tokens: 64,
          tools: [BASH],
          messages: [
            { role: 'user', content: 'USE_TOOL run echo' },
            { role: 'assistant', content: first.content },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: call.type === 'tool_use' ? call.id : '',
                  content: 'hi',
                },
              ],
            },
          ],
        })
        .finalMessage();
      expect(second.content[0]).toMatchObject({
        type: 'text',
        text: 'Tool said: hi',
      });
      const sent = lastBody('/chat/completions');
      const asked = sent.messages.find((m: any) => m.tool_calls)!;
      const answered = sent.messages.find((m: any) => m.role === 'tool')!;
      expect(asked.tool_calls[0].id).toBe(call.type === 'tool_use' && call.id);
      expect(answered.tool_call_id).toBe(asked.tool_calls[0].id);
      // A tool result is the agent's turn: no premium request.
      expect(
        fake.lastRequest('/chat/completions')!.headers['x-initiator'],
      ).toBe('agent');
    });

    it('carries an image, with the vision header from the client conversation', async () => {
      await anthropic.messages.create({
        model: 'gemini-2.5-pro',
        max_tokens: 20,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              {
                type: 'image',
                source: { type: 'base64', media_type: 'image/png', data: PNG },
              },
            ],
          },
        ],
      });
      const seen = fake.lastRequest('/chat/completions')!;
      expect(seen.headers['copilot-vision-request']).toBe('true');
      expect(seen.headers['x-initiator']).toBe('user');
      expect(fake.bodyOf<any>(seen).messages[0].content[1]).toMatchObject({
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${PNG}` },
      });
    });

    it('keeps the Anthropic event grammar in a stream, and names the direction', async () => {
      const res = await rawRequest(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          max_tokens: 20,
          stream: true,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      });
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(res.headers['x-copilot-bridge']).toBe('messages->chat');
      const names = [...res.body.toString().matchAll(/^event: (\S+)$/gm)].map(
        (m) => m[1],
      );
      expect(names[0]).toBe('message_start');
      expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
      expect(names).toContain('content_block_delta');
    });
  });

  describe('Messages → Responses (an Anthropic client on a Responses-only model)', () => {
    it('answers plain and streamed, tools included', async () => {
      const plain = await anthropic.messages.create({
        model: 'gpt-5.1-codex',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(plain.content[0]).toMatchObject({ type: 'text' });
      expect(lastBody('/responses')).toMatchObject({
        model: 'gpt-5.1-codex',
        store: false,
        max_output_tokens: 64,
      });
      const streamed = await anthropic.messages
        .stream({
          model: 'gpt-5.1-codex',
          max_tokens: 64,
          tools: [BASH],
          messages: [{ role: 'user', content: 'USE_TOOLS please' }],
        })
        .finalMessage();
      const calls = streamed.content.filter((b) => b.type === 'tool_use');
      expect(calls).toHaveLength(2);
      expect(streamed.stop_reason).toBe('tool_use');
    });
  });

  describe('Chat → Responses (an OpenAI chat client on a Responses-only model)', () => {
    it('answers plain, with tool calls, and streamed with usage when asked', async () => {
      const plain = await openai.chat.completions.create({
        model: 'gpt-5.1-codex',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'USE_TOOL now' },
        ],
        tools: [EXEC],
      });
      expect(plain.choices[0].finish_reason).toBe('tool_calls');
      const call = plain.choices[0].message.tool_calls![0];
      expect(call.type === 'function' && call.function.name).toBe(
        'exec_command',
      );
      const stream = await openai.chat.completions.create({
        model: 'gpt-5.1-codex',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'Hi' }],
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Hi there.');
      expect(usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
    });
  });

  describe('Responses → Chat (a Codex-like Responses client on a chat-only model)', () => {
    it('answers a tool loop plain and streamed, with call ids kept', async () => {
      const tools = [
        {
          type: 'function' as const,
          name: 'exec_command',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
      ];
      const first = await openai.responses.create({
        model: 'claude-sonnet-4.5',
        input: [{ role: 'user', content: 'USE_TOOL run echo' }],
        tools,
      });
      const call = first.output.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({
        type: 'function_call',
        name: 'exec_command',
      });
      const stream = await openai.responses.create({
        model: 'claude-sonnet-4.5',
        stream: true,
        tools,
        input: [
          { role: 'user', content: 'USE_TOOL run echo' },
          call as OpenAI.Responses.ResponseFunctionToolCall,
          {
            type: 'function_call_output',
            call_id: (call as OpenAI.Responses.ResponseFunctionToolCall)
              .call_id,
            output: 'hi',
          },
        ],
      });
      const types: string[] = [];
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(types[0]).toBe('response.created');
      expect(types).toContain('response.output_item.done');
      expect(types.at(-1)).toBe('response.completed');
      const message = completed?.output.find((item) => item.type === 'message');
      expect(message).toMatchObject({
        content: [{ type: 'output_text', text: 'Tool said: hi' }],
      });
      const sent = lastBody('/chat/completions');
      expect(
        sent.messages.find((m: any) => m.role === 'tool').tool_call_id,
      ).toBe((call as OpenAI.Responses.ResponseFunctionToolCall).call_id);
    });
  });

  describe('errors in the client API’s shape', () => {
    it('an upstream 429 reaches an Anthropic client as rate_limit_error with its Retry-After', async () => {
      fake.script('/chat/completions', {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
        body: JSON.stringify({
          message: 'Sorry, you have exceeded your Copilot token usage.',
          code: 'rate_limited',
        }),
      });
      const res = await request(proxy.app.getHttpServer())
        .post('/v1/messages')
        .set('content-type', 'application/json')
        .send({
          model: 'gemini-2.5-pro',
          max_tokens: 20,
          messages: [{ role: 'user', content: 'Hi' }],
        });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body).toEqual({
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Sorry, you have exceeded your Copilot token usage.',
        },
      });
    });

    it('an upstream 400 reaches an OpenAI client in OpenAI shape', async () => {
      fake.script('/responses', {
        status: 400,
        headers: { 'content-type': 'text/plain' },
        body: 'bad request: something odd',
      });
      const error = await openai.chat.completions
        .create({
          model: 'gpt-5.1-codex',
          messages: [{ role: 'user', content: 'Hi' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(
        (error as InstanceType<typeof OpenAI.BadRequestError>).message,
      ).toContain('bad request: something odd');
    });

    it('refuses what cannot be translated with 400, naming the field', async () => {
      const res = await request(proxy.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send({
          model: 'gpt-5.1-codex',
          n: 3,
          messages: [{ role: 'user', content: 'Hi' }],
        });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('untranslatable');
      expect(res.body.error.message).toMatch(/^n: /);
      expect(
        served('/responses').at(-1)?.request.body.toString(),
      ).not.toContain('"n":3');
    });

    it('refuses a body nested too deeply to translate with 400, not a 500', async () => {
      // Written out by hand: JSON.stringify would overflow here first.
      const depth = 100_000;
      const schema =
        '{"type":"object","properties":{"a":'.repeat(depth) +
        '{"type":"string"}' +
        '}}'.repeat(depth);
      const res = await request(proxy.app.getHttpServer())
        .post('/v1/messages')
        .set('content-type', 'application/json')
        .send(
          `{"model":"gemini-2.5-pro","max_tokens":20,"tools":[{"name":"deep","input_schema":${schema}}],"messages":[{"role":"user","content":"Hi"}]}`,
        );
      expect([res.status, res.body.type]).toEqual([400, 'error']);
      expect(res.body.error.message).toContain('nested too deeply');
    });

    it('turns a failure mid-stream into the client API’s error event', async () => {
      fake.script('/chat/completions', {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        chunks: [
          'data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}],"id":"c1","model":"gemini-2.5-pro"}\n\n',
          'data: {"error":{"message":"upstream overloaded","code":"overloaded"}}\n\n',
        ],
      });
      const res = await rawRequest(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gemini-2.5-pro',
          max_tokens: 20,
          stream: true,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      });
      const text = res.body.toString();
      expect(text).toMatch(
        /event: error\ndata: \{"type":"error","error":\{"type":"\w+","message":"upstream overloaded"\}\}/,
      );
      expect(text).not.toContain('message_stop');
    });
  });

  describe('every stage applies', () => {
    it('meters a translated call under the model that served it', async () => {
      const codexDay = async () =>
        (
          await request(proxy.app.getHttpServer()).get('/usage')
        ).body.periods.find((p: any) => p.period === 'day').models[
          'gpt-5.1-codex'
        ] ?? {
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          premiumRequests: 0,
        };
      const before = await codexDay();
      await anthropic.messages.create({
        model: 'gpt-5.1-codex',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'Count me' }],
      });
      const after = await codexDay();
      expect({
        requests: after.requests - before.requests,
        promptTokens: after.promptTokens - before.promptTokens,
        completionTokens: after.completionTokens - before.completionTokens,
        premiumRequests: after.premiumRequests - before.premiumRequests,
      }).toEqual({
        requests: 1,
        promptTokens: 9,
        completionTokens: 3,
        premiumRequests: 1,
      });
      const metrics = (await request(proxy.app.getHttpServer()).get('/metrics'))
        .text;
      expect(metrics).toMatch(
        /copilot_proxy_bridge_requests_total\{direction="messages->responses"\} [1-9]/,
      );
    });

    it('answers count_tokens itself for a model not served on /v1/messages', async () => {
      const before = fake.requests.length;
      const res = await request(proxy.app.getHttpServer())
        .post('/v1/messages/count_tokens')
        .set('content-type', 'application/json')
        .send({
          model: 'gpt-5.1-codex',
          messages: [{ role: 'user', content: 'Hello there' }],
        });
      expect(res.status).toBe(200);
      expect(res.headers['x-token-count-estimate']).toBe('o200k_base');
      expect(res.body.input_tokens).toBeGreaterThan(0);
      expect(fake.requests.length).toBe(before);
    });
  });
});

describe('the bridge and the response cache', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      RESPONSE_CACHE: 'all',
    });
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  it('keys a translated call by the client request and replays the translated answer', async () => {
    const send = () =>
      rawRequest(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gemini-2.5-pro',
          max_tokens: 20,
          stream: true,
          messages: [{ role: 'user', content: 'cache me' }],
        }),
      });
    const first = await send();
    const second = await send();
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(
      fake.served.filter((s) => s.path === '/chat/completions'),
    ).toHaveLength(1);
    // The replay is the Anthropic stream the client got, not the chat one.
    const events = (body: Buffer) =>
      [...body.toString().matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(events(second.body)).toEqual(events(first.body));
    expect(events(second.body)[0]).toBe('message_start');
    expect(second.headers['content-type']).toMatch(/^text\/event-stream/);
  });
});
