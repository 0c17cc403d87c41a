import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { startStrictCopilot } from './support/strict/strict-copilot';
import { startApp, TestApp } from './support/test-app';
import { sdkClients } from './support/sdk-clients';

/**
 * A two-turn tool loop in each bridge direction, against the strict fake with the
 * compatibility stage off: the reasoning the fake issued on turn 1 (a Chat
 * `reasoning_opaque`, a Responses `encrypted_content`) reaches it again, byte for
 * byte, on turn 2 (`ledger.arrivedFrom`), whatever the client kept it as (an
 * Anthropic `signature`, a Chat `reasoning_opaque`, a Responses reasoning item).
 * The strict fake refuses reasoning it did not issue (c8, r10).
 */
const SCHEMA = {
  type: 'object' as const,
  properties: { command: { type: 'string' as const } },
  required: ['command'],
};
const ANTHROPIC_TOOL = {
  name: 'Bash',
  description: 'Runs a command',
  input_schema: SCHEMA,
};
const CHAT_TOOL = {
  type: 'function' as const,
  function: { name: 'Bash', description: 'Runs a command', parameters: SCHEMA },
};
const RESPONSES_TOOL = {
  type: 'function' as const,
  name: 'Bash',
  description: 'Runs a command',
  parameters: SCHEMA,
  strict: false,
};
const ASK = 'List the files. USE_TOOL';

describe('the bridge carries reasoning back upstream on the next turn (strict fake, COMPAT=off)', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  let anthropic: Anthropic;
  let openai: OpenAI;

  /** The index in `fake.requests` of the last request on `path`. */
  const lastTurn = (path: string) => {
    let i = fake.requests.length - 1;
    while (i >= 0 && !fake.requests[i].url.startsWith(path)) i--;
    return i;
  };
  const arrived = (turn: number) =>
    fake.strict!.ledger.arrivedFrom(turn).map((r) => [r.kind, r.value]);

  beforeAll(async () => {
    fake = await startStrictCopilot();
    // A Claude served on chat only, so that a Messages client reaches it through the bridge.
    fake.models.find((m) => m.id === 'claude-sonnet-4')!.supported_endpoints = [
      '/chat/completions',
    ];
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      COMPAT: 'off',
    });
    ({ anthropic, openai } = sdkClients(proxy.url));
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  afterEach(() => {
    // Every request of the loop was answered: no rule refused it.
    expect(fake.strict!.verdicts.filter((v) => v.rule !== undefined)).toEqual(
      [],
    );
  });

  /** Turn 1 streamed, turn 2 plain: the client sends back the content it was given. */
  async function anthropicLoop(model: string, upstream: string) {
    const params = {
      model,
      max_tokens: 8192,
      thinking: { type: 'enabled' as const, budget_tokens: 4096 },
      tools: [ANTHROPIC_TOOL],
    };
    const first = await anthropic.messages
      .stream({ ...params, messages: [{ role: 'user', content: ASK }] })
      .finalMessage();
    const turn1 = lastTurn(upstream);
    const thinking = first.content.find(
      (b): b is Anthropic.ThinkingBlock => b.type === 'thinking',
    );
    const call = first.content.find(
      (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use',
    );
    expect(thinking?.signature).toBeTruthy();
    expect(call).toBeDefined();
    const second = await anthropic.messages.create({
      ...params,
      messages: [
        { role: 'user', content: ASK },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call!.id, content: 'a.txt' },
          ],
        },
      ],
    });
    expect(second.content).toContainEqual(
      expect.objectContaining({ type: 'text', text: 'Tool said: a.txt' }),
    );
    return { turn1, signature: thinking!.signature };
  }

  it.each([['gemini-2.5-pro'], ['claude-sonnet-4']])(
    'Messages → Chat (%s): the thinking signature goes back as reasoning_opaque',
    async (model) => {
      const { turn1, signature } = await anthropicLoop(
        model,
        '/chat/completions',
      );
      expect(arrived(turn1)).toEqual([['reasoning_opaque', signature]]);
    },
  );

  it('Messages → Responses: the signature carries encrypted_content and its item id, unpacked next turn', async () => {
    const { turn1, signature } = await anthropicLoop(
      'gpt-5.1-codex',
      '/responses',
    );
    const [encrypted, id] = signature.split('@');
    expect(arrived(turn1)).toEqual([['encrypted_content', encrypted]]);
    const input = fake.bodyOf<{ input: Array<Record<string, unknown>> }>(
      fake.requests[lastTurn('/responses')],
    ).input;
    expect(input.find((item) => item.type === 'reasoning')).toMatchObject({
      id,
      encrypted_content: encrypted,
    });
  });

  it('a GPT thinking block replayed to a Claude on chat is left out and named, not refused (M10)', async () => {
    // Claude Code switched models mid-loop: its history holds gpt-5.1-codex's thinking.
    const params = {
      max_tokens: 8192,
      thinking: { type: 'enabled' as const, budget_tokens: 4096 },
      tools: [ANTHROPIC_TOOL],
    };
    const first = await anthropic.messages.create({
      ...params,
      model: 'gpt-5.1-codex',
      messages: [{ role: 'user', content: ASK }],
    });
    const call = first.content.find(
      (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use',
    );
    const { data, response } = await anthropic.messages
      .create({
        ...params,
        model: 'claude-sonnet-4',
        messages: [
          { role: 'user', content: ASK },
          { role: 'assistant', content: first.content },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: call!.id, content: 'a.txt' },
            ],
          },
        ],
      })
      .withResponse();
    expect(data.content).toContainEqual(
      expect.objectContaining({ type: 'text', text: 'Tool said: a.txt' }),
    );
    expect(response.headers.get('x-bridge-ignored')).toContain(
      'reasoning-history',
    );
    const sent = fake.bodyOf<{ messages: Array<Record<string, unknown>> }>(
      fake.requests[lastTurn('/chat/completions')],
    );
    expect(sent.messages.some((m) => 'reasoning_opaque' in m)).toBe(false);
  });

  it('Chat → Responses: reasoning_text and reasoning_opaque sent back become the reasoning item', async () => {
    const params = {
      model: 'gpt-5.1-codex',
      reasoning_effort: 'low' as const,
      tools: [CHAT_TOOL],
    };
    const first = await openai.chat.completions.create({
      ...params,
      messages: [{ role: 'user', content: ASK }],
    });
    const turn1 = lastTurn('/responses');
    // Copilot's own fields, which the OpenAI SDK passes through untyped.
    const message = first.choices[0].message as OpenAI.ChatCompletionMessage & {
      reasoning_text?: string;
      reasoning_opaque?: string;
    };
    expect(message.reasoning_opaque).toBeTruthy();
    const call = message.tool_calls![0];
    const replayed = {
      role: 'assistant',
      content: message.content,
      tool_calls: message.tool_calls,
      reasoning_text: message.reasoning_text,
      reasoning_opaque: message.reasoning_opaque,
    } as unknown as OpenAI.ChatCompletionAssistantMessageParam;
    const second = await openai.chat.completions.create({
      ...params,
      messages: [
        { role: 'user', content: ASK },
        replayed,
        { role: 'tool', tool_call_id: call.id, content: 'a.txt' },
      ],
    });
    expect(second.choices[0].message.content).toBe('Tool said: a.txt');
    expect(arrived(turn1)).toEqual([
      ['encrypted_content', message.reasoning_opaque!.split('@')[0]],
    ]);
  });

  it.each([['claude-sonnet-4'], ['gemini-2.5-pro']])(
    'Responses → Chat (%s): a reasoning item’s encrypted_content goes back as reasoning_opaque',
    async (model) => {
      const params = {
        model,
        reasoning: { effort: 'low' as const },
        tools: [RESPONSES_TOOL],
      };
      const first = await openai.responses.create({ ...params, input: ASK });
      const turn1 = lastTurn('/chat/completions');
      const reasoning = first.output.find(
        (item): item is OpenAI.Responses.ResponseReasoningItem =>
          item.type === 'reasoning',
      );
      const call = first.output.find(
        (item): item is OpenAI.Responses.ResponseFunctionToolCall =>
          item.type === 'function_call',
      );
      expect(reasoning?.encrypted_content).toBeTruthy();
      const second = await openai.responses.create({
        ...params,
        input: [
          { role: 'user', content: ASK },
          ...(first.output as unknown as OpenAI.Responses.ResponseInputItem[]),
          {
            type: 'function_call_output',
            call_id: call!.call_id,
            output: 'a.txt',
          },
        ],
      });
      expect(second.output_text).toBe('Tool said: a.txt');
      expect(arrived(turn1)).toEqual([
        ['reasoning_opaque', reasoning!.encrypted_content],
      ]);
    },
  );

  it('Responses → Chat for the AI SDK (@ai-sdk/openai): consistent blocks on the stream, the reasoning back on the tool step', async () => {
    const provider = createOpenAI({
      baseURL: `${proxy.url}/v1`,
      apiKey: 'any',
    });
    const turns: number[] = [];
    const result = streamText({
      model: provider.responses('gemini-2.5-pro'),
      prompt: ASK,
      tools: {
        Bash: tool({
          description: 'Runs a command',
          inputSchema: jsonSchema<{ command: string }>(SCHEMA),
          execute: () => {
            turns.push(lastTurn('/chat/completions'));
            return Promise.resolve('a.txt');
          },
        }),
      },
      stopWhen: stepCountIs(2),
      providerOptions: {
        openai: {
          store: false,
          include: ['reasoning.encrypted_content'],
          reasoningEffort: 'low',
          reasoningSummary: 'auto',
          // The SDK asks for reasoning only from ids it knows as OpenAI reasoning models.
          forceReasoning: true,
        },
      },
    });
    const kinds: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      kinds.push(part.type);
    }
    expect(kinds).toEqual(
      expect.arrayContaining([
        'reasoning-start',
        'reasoning-delta',
        'reasoning-end',
        'tool-call',
        'tool-result',
        'text-delta',
      ]),
    );
    expect(await result.text).toContain('Tool said:');
    expect(turns).toHaveLength(1);
    expect(arrived(turns[0]).map(([kind]) => kind)).toEqual([
      'reasoning_opaque',
    ]);
  });

  it('Messages → Responses for the AI SDK (@ai-sdk/anthropic): the thinking signature brings the reasoning back on the tool step', async () => {
    const provider = createAnthropic({
      baseURL: `${proxy.url}/v1`,
      apiKey: 'any',
    });
    const turns: number[] = [];
    const result = streamText({
      model: provider('gpt-5.1-codex'),
      prompt: ASK,
      maxOutputTokens: 8192,
      tools: {
        Bash: tool({
          description: 'Runs a command',
          inputSchema: jsonSchema<{ command: string }>(SCHEMA),
          execute: () => {
            turns.push(lastTurn('/responses'));
            return Promise.resolve('a.txt');
          },
        }),
      },
      stopWhen: stepCountIs(2),
      providerOptions: {
        anthropic: { thinking: { type: 'enabled', budgetTokens: 4096 } },
      },
    });
    const kinds: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      kinds.push(part.type);
    }
    expect(kinds).toEqual(
      expect.arrayContaining(['reasoning-end', 'tool-call', 'text-delta']),
    );
    expect(await result.text).toContain('Tool said:');
    expect(turns).toHaveLength(1);
    expect(arrived(turns[0]).map(([kind]) => kind)).toEqual([
      'encrypted_content',
    ]);
  });
});
