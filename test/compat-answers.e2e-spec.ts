import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { jsonSchema, streamText, tool } from 'ai';
import OpenAI from 'openai';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { TOOL_ARGUMENTS } from './support/fake-turns';
import { rawRequest } from './support/http-client';
import { startStrictCopilot } from './support/strict/strict-copilot';
import { startApp, TestApp } from './support/test-app';

/**
 * Issue 26 (answers) and 27 item 6, with the official clients against the
 * STRICT fake Copilot (churning Responses ids, `[DONE]` after `message_stop`,
 * `text/plain` JSON errors, overflow bodies, thinking): the answer rules of the
 * compatibility stage (SPEC §13) make what Copilot says readable by each
 * client. A second proxy with the rules switched off shows what they fix.
 */

type Json = Record<string, any>;

const TOOL = {
  type: 'function' as const,
  name: 'run',
  description: 'Runs a command',
  parameters: {
    type: 'object',
    properties: { command: { type: 'string' } },
    required: ['command'],
  },
  strict: false,
};

/** One Responses turn asking for a reasoning summary, encrypted reasoning and a tool call. */
const REASONING_TURN = {
  model: 'gpt-5.4',
  input: [{ role: 'user' as const, content: 'USE_TOOL to say hi' }],
  tools: [TOOL],
  reasoning: { effort: 'high' as const, summary: 'detailed' as const },
  include: ['reasoning.encrypted_content' as const],
  store: false,
};

/** Stream parts of an `@ai-sdk/*` language model, read to the end. */
async function partsOf(stream: ReadableStream<Json>): Promise<Json[]> {
  const parts: Json[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

/** The data of each SSE event of a raw answer. */
function events(body: Buffer): Array<Json | string> {
  return body
    .toString()
    .split('\n\n')
    .filter((e) => e.trim() !== '')
    .map((e) => {
      const data = e
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.replace(/^data: ?/, ''))
        .join('\n');
      return data.startsWith('{') ? (JSON.parse(data) as Json) : data;
    });
}

/** The item ids a Responses stream names, per output index. */
function idsPerIndex(stream: Json[]): Map<number, Set<string>> {
  const ids = new Map<number, Set<string>>();
  const add = (i: number, id: unknown) => {
    if (typeof id === 'string') ids.set(i, (ids.get(i) ?? new Set()).add(id));
  };
  for (const e of stream) {
    if (typeof e.output_index === 'number')
      add(e.output_index, e.item_id ?? e.item?.id);
    (e.response?.output as Json[] | undefined)?.forEach((item, i) =>
      add(i, item.id),
    );
  }
  return ids;
}

describe('answers every client reads (issue 26)', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  /** The same proxy with the answer rules off. */
  let bare: TestApp;
  const env = (extra: Record<string, string> = {}) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
    ...extra,
  });
  const openai = (app = proxy) =>
    new OpenAI({ baseURL: `${app.url}/v1`, apiKey: 'any', maxRetries: 0 });
  const anthropic = (app = proxy) =>
    new Anthropic({ baseURL: app.url, apiKey: 'any', maxRetries: 0 });
  const post = (app: TestApp, path: string, body: Json) =>
    rawRequest(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const metric = async (name: string) => {
    const res = await rawRequest(`${proxy.url}/metrics`);
    const line = new RegExp(
      `copilot_proxy_adjustments_total\\{rule="${name}"\\} (\\d+)`,
    ).exec(res.body.toString());
    return line ? Number(line[1]) : 0;
  };

  beforeAll(async () => {
    fake = await startStrictCopilot();
    proxy = await startApp(env());
    bare = await startApp(env({ COMPAT_RULES: '-r9,-m13,-m12,-g6,-g4,-g3' }));
  });
  afterAll(async () => {
    await proxy?.close();
    await bare?.close();
    await fake?.stop();
  });

  describe('openai', () => {
    it('streams a chat answer with its leading and trailing empty-choices chunks, usage included', async () => {
      const stream = await openai().chat.completions.create({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: Json | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Hello from the strict fake.');
      expect(usage?.prompt_tokens).toBeGreaterThan(0);
    });

    it('streams a Responses answer with one id per output item, the first Copilot sent, and replays it', async () => {
      const client = openai();
      const stream = await client.responses.create({
        ...REASONING_TURN,
        stream: true,
      });
      const seen: Json[] = [];
      for await (const event of stream) seen.push(event);
      const ids = idsPerIndex(seen);
      expect([...ids.keys()]).toEqual([0, 1]);
      for (const [i, set] of ids) {
        const added = seen.find(
          (e) =>
            e.type === 'response.output_item.added' && e.output_index === i,
        );
        expect([...set]).toEqual([added!.item.id]);
      }
      const numbers = seen.map((e) => e.sequence_number as number);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      const completed = seen.at(-1)!;
      expect(completed.type).toBe('response.completed');
      const output = completed.response.output as Json[];
      expect(output.map((i) => i.type)).toEqual(['reasoning', 'function_call']);
      expect(await metric('item-ids')).toBeGreaterThan(0);

      // The next turn sends the items back: Copilot's encrypted reasoning, byte for byte.
      const call = output[1];
      const next = await client.responses.create({
        ...REASONING_TURN,
        input: [
          ...REASONING_TURN.input,
          ...(output as any[]),
          { type: 'function_call_output', call_id: call.call_id, output: 'hi' },
        ],
      });
      expect(next.output_text).toBe('Tool said: hi');
      const turn = fake.requests.indexOf(fake.lastRequest('/responses')!);
      expect(fake.strict!.ledger.returnedOn(turn)).toEqual([
        expect.objectContaining({ issued: expect.anything() }),
      ]);
    });

    it('gets context_length_exceeded for an overflow, in its own error class', async () => {
      const error: any = await openai()
        .chat.completions.create({
          model: 'gpt-4.1',
          messages: [{ role: 'user', content: 'STRICT_OVERFLOW' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.code).toBe('context_length_exceeded');
      expect(error.message).toMatch(/prompt token count of \d+ exceeds/);
      expect(error.headers.get('x-copilot-adjusted')).toContain(
        'prompt-too-long',
      );
    });

    it('gets the closest served ids for an unknown model, JSON-labelled, not to be retried', async () => {
      const res = await post(proxy, '/v1/chat/completions', {
        model: 'gpt-4.2',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      expect(res.headers['x-should-retry']).toBe('false');
      const { error } = JSON.parse(res.body.toString());
      expect(error.code).toBe('model_not_supported');
      expect(error.message).toMatch(
        /^The requested model is not supported\. The model "gpt-4\.2" is not served on this Copilot account; the closest served ids: gpt-4\.1, /,
      );
      expect(res.headers['x-copilot-adjusted']).toBe(
        'unknown-model,json-errors',
      );
      // Off: Copilot's bytes, labelled as Copilot labels them.
      const off = await post(bare, '/v1/chat/completions', {
        model: 'gpt-4.2',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(off.headers['content-type']).toMatch(/^text\/plain/);
      expect(off.body.toString()).not.toContain('closest');
    });
  });

  describe('@anthropic-ai/sdk', () => {
    it('streams a message to its end with nothing after message_stop', async () => {
      const stream = anthropic().messages.stream({
        model: 'claude-sonnet-4.5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const message = await stream.finalMessage();
      expect(message.content).toEqual([
        { type: 'text', text: 'Hello from the strict fake Claude.' },
      ]);
      const body = {
        model: 'claude-sonnet-4.5',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      };
      const on = events((await post(proxy, '/v1/messages', body)).body);
      expect((on.at(-1) as Json).type).toBe('message_stop');
      const off = events((await post(bare, '/v1/messages', body)).body);
      expect(off.at(-1)).toBe('[DONE]');
      expect(await metric('done-after-stop')).toBeGreaterThan(0);
    });

    it("gets the SDK's BadRequestError with 'prompt is too long' for an overflow", async () => {
      const error: any = await anthropic()
        .messages.create({
          model: 'claude-sonnet-4.5',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'STRICT_OVERFLOW' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.error.error.type).toBe('invalid_request_error');
      expect(error.error.error.message).toMatch(
        /^prompt is too long: Request body is too large for model context window/,
      );
    });

    it('gets not_found_error naming the closest served ids for an unknown model', async () => {
      const error: any = await anthropic()
        .messages.create({
          model: 'claude-sonnet-4.9',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Hi' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect(error.error.type).toBe('error');
      expect(error.error.error.type).toBe('not_found_error');
      expect(error.error.error.message).toContain(
        'the closest served ids: claude-sonnet-4',
      );
    });

    it("gets Copilot's own error envelope in Anthropic's shape, labelled JSON", async () => {
      const said = 'messages.1.content.0: Invalid signature in thinking block';
      fake.script('/v1/messages', {
        status: 400,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `${JSON.stringify({ error: { message: said, code: 'invalid_request_body' } })}\n`,
      });
      const error: any = await anthropic()
        .messages.create({
          model: 'claude-sonnet-4.5',
          max_tokens: 100,
          messages: [{ role: 'user', content: 'Hi' }],
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.error).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: said },
      });
      expect(error.headers.get('content-type')).toBe(
        'application/json; charset=utf-8',
      );
      expect(error.headers.get('x-copilot-adjusted')).toBe(
        'anthropic-errors,json-errors',
      );
    });

    it('keeps a Claude 4.8 stream alive with summarized thinking, and gives the client only the signature it asked for', async () => {
      const thinking = { type: 'adaptive', display: 'omitted' };
      const request = {
        model: 'claude-opus-4.8',
        max_tokens: 2000,
        thinking,
        messages: [{ role: 'user' as const, content: 'Think' }],
      };
      const stream = anthropic().messages.stream(request as any);
      const kinds: string[] = [];
      stream.on('streamEvent', (event: any) => {
        if (event.type === 'content_block_delta') kinds.push(event.delta.type);
      });
      const message = await stream.finalMessage();
      const sent = fake.bodyOf<Json>(fake.lastRequest('/v1/messages')!);
      expect(sent.thinking).toEqual({
        type: 'adaptive',
        display: 'summarized',
      });
      expect(kinds).not.toContain('thinking_delta');
      expect(kinds).toContain('signature_delta');
      const block = message.content[0] as Json;
      expect(block.type).toBe('thinking');
      expect(block.thinking).toBe('');
      expect(fake.strict!.ledger.find(block.signature)).toBeDefined();

      // The next turn sends the block back; Copilot verifies its signature.
      const next = await anthropic().messages.create({
        ...request,
        messages: [
          ...request.messages,
          { role: 'assistant', content: message.content },
          { role: 'user', content: 'More' },
        ],
      } as any);
      expect(next.content.at(-1)).toMatchObject({ type: 'text' });
    });
  });

  describe('the response cache', () => {
    it('replays a Responses stream as the client first got it: one id per output item', async () => {
      const cached = await startApp(env({ RESPONSE_CACHE: 'all' }));
      try {
        const body = { ...REASONING_TURN, stream: true };
        const first = await post(cached, '/v1/responses', body);
        const again = await post(cached, '/v1/responses', body);
        expect(first.headers['x-cache']).toBe('MISS');
        expect(again.headers['x-cache']).toBe('HIT');
        expect(again.body.toString()).toBe(first.body.toString());
        const stream = events(again.body).filter(
          (e): e is Json => typeof e !== 'string',
        );
        const ids = idsPerIndex(stream);
        expect(ids.size).toBe(2);
        for (const set of ids.values()) expect(set.size).toBe(1);
      } finally {
        await cached.close();
      }
    });
  });

  describe('@ai-sdk/openai', () => {
    const reasoningModel = (app: TestApp) =>
      createOpenAI({ baseURL: `${app.url}/v1`, apiKey: 'any' }).responses(
        'gpt-5.4',
      );
    const call = (prompt: string) => ({
      prompt: [
        {
          role: 'user' as const,
          content: [{ type: 'text' as const, text: prompt }],
        },
      ],
      tools: [
        {
          type: 'function' as const,
          name: 'run',
          description: 'Runs a command',
          inputSchema: TOOL.parameters as any,
        },
      ],
      providerOptions: {
        openai: {
          reasoningEffort: 'high',
          reasoningSummary: 'detailed',
          store: false,
          include: ['reasoning.encrypted_content'],
        },
      },
    });

    it('streams reasoning summaries and a tool call with consistent ids', async () => {
      const { stream } = await reasoningModel(proxy).doStream(
        call('USE_TOOL to say hi'),
      );
      const parts = await partsOf(stream);
      expect(parts.filter((p) => p.type === 'error')).toEqual([]);
      const started = parts
        .filter((p) => p.type === 'reasoning-start')
        .map((p) => p.id);
      const ended = parts
        .filter((p) => p.type === 'reasoning-end')
        .map((p) => p.id);
      expect(started.length).toBeGreaterThan(0);
      expect(ended).toEqual(started);
      for (const delta of parts.filter((p) => p.type === 'reasoning-delta'))
        expect(started).toContain(delta.id);
      expect(
        parts
          .filter((p) => p.type === 'reasoning-delta')
          .map((p) => p.delta)
          .join(''),
      ).toBe('Let me think about that.');
      expect(parts.find((p) => p.type === 'tool-call')).toMatchObject({
        toolName: 'run',
        input: TOOL_ARGUMENTS,
      });
      expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    });

    it('streamText: reasoning summaries and a tool call, no summaryParts TypeError', async () => {
      const result = streamText({
        model: reasoningModel(proxy),
        prompt: 'USE_TOOL to say hi',
        tools: {
          run: tool({
            description: 'Runs a command',
            inputSchema: jsonSchema<{ command: string }>(
              TOOL.parameters as any,
            ),
          }),
        },
        providerOptions: {
          openai: {
            reasoningEffort: 'high',
            reasoningSummary: 'detailed',
            store: false,
          },
        },
      });
      const kinds: string[] = [];
      for await (const part of result.fullStream) kinds.push(part.type);
      expect(kinds).not.toContain('error');
      expect(await result.reasoningText).toBe('Let me think about that.');
      expect(await result.toolCalls).toEqual([
        expect.objectContaining({
          toolName: 'run',
          input: JSON.parse(TOOL_ARGUMENTS),
        }),
      ]);
    });

    it('fails as Copilot answers it when the ids are not pinned (the rule off)', async () => {
      const read = reasoningModel(bare)
        .doStream(call('USE_TOOL to say hi') as any)
        .then(({ stream }) => partsOf(stream as ReadableStream<Json>));
      const outcome = await read.then(
        (parts) => parts.filter((p) => p.type === 'error'),
        (error: unknown) => [error],
      );
      expect(outcome.length).toBeGreaterThan(0);
    });

    it('reads the text of a fast-path stream (created, then the whole output)', async () => {
      const model = createOpenAI({
        baseURL: `${proxy.url}/v1`,
        apiKey: 'any',
      }).responses('gpt-5.4');
      const { stream } = await model.doStream({
        prompt: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'STRICT_FAST_PATH STRICT_NO_SEQ' }],
          },
        ],
        providerOptions: { openai: { store: false } },
      } as any);
      const parts = await partsOf(stream);
      expect(
        parts
          .filter((p) => p.type === 'text-delta')
          .map((p) => p.delta)
          .join(''),
      ).toBe('Hello from the strict fake.');
      expect(parts.filter((p) => p.type === 'error')).toEqual([]);
    });
  });

  describe('@ai-sdk/anthropic (base URL with /v1)', () => {
    const model = (app: TestApp) =>
      createAnthropic({ baseURL: `${app.url}/v1`, apiKey: 'any' })(
        'claude-sonnet-4.5',
      );
    const prompt = {
      prompt: [
        {
          role: 'user' as const,
          content: [{ type: 'text' as const, text: 'Hi' }],
        },
      ],
    };

    it('streams a message to its finish with no error part', async () => {
      const { stream } = await model(proxy).doStream(prompt);
      const parts = await partsOf(stream);
      expect(parts.filter((p) => p.type === 'error')).toEqual([]);
      expect(
        parts
          .filter((p) => p.type === 'text-delta')
          .map((p) => p.delta)
          .join(''),
      ).toBe('Hello from the strict fake Claude.');
      expect(parts.at(-1)).toMatchObject({ type: 'finish' });
    });

    it("gets 'prompt is too long' for an overflow", async () => {
      const error: any = await Promise.resolve(
        model(proxy).doStream({
          prompt: [
            {
              role: 'user',
              content: [{ type: 'text', text: 'STRICT_OVERFLOW' }],
            },
          ],
        } as any),
      ).catch((e: unknown) => e);
      expect(error.statusCode).toBe(400);
      expect(error.message).toMatch(/^prompt is too long: /);
    });
  });
});
