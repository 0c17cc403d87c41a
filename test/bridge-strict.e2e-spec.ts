import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { startStrictCopilot } from './support/strict/strict-copilot';
import { startApp, TestApp } from './support/test-app';
import { sdkClients } from './support/sdk-clients';

/**
 * The bridge writes only what Copilot accepts (issue 25, item 4): in every
 * direction, a request shaped like a real client's, with what the strict fake
 * refuses in that API (billing line, an object schema without `properties`,
 * `max_tokens` on a GPT-5 chat model, `store: true`, `minimal` effort, a token
 * limit below 16, `service_tier`, assistant history), is translated into one the
 * strict fake answers, with the compatibility stage off: nothing fixes the
 * bridge's output after it.
 */
const BILLING =
  'x-anthropic-billing-header: cc_version=2.1.332.a1b; cc_entrypoint=cli;';
/** Claude Code's tools without arguments declare no `properties` (C13). */
const NO_ARGS = { type: 'object' as const };

describe('bridge output passes the strict fake with COMPAT=off', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  let anthropic: Anthropic;
  let openai: OpenAI;

  beforeAll(async () => {
    fake = await startStrictCopilot();
    // Served on chat only, so that every client reaches them through the bridge.
    for (const id of ['claude-sonnet-4', 'gpt-5-mini']) {
      fake.models.find((m) => m.id === id)!.supported_endpoints = [
        '/chat/completions',
      ];
    }
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

  /** The strict fake answered the last request on `path`: no rule refused it. */
  function expectAnswered(path: string) {
    const verdict = [...fake.strict!.verdicts]
      .reverse()
      .find((v) => v.path.startsWith(path));
    expect(verdict).toMatchObject({ status: 200 });
    expect(verdict?.rule).toBeUndefined();
  }

  const lastBody = (path: string) =>
    fake.bodyOf<Record<string, any>>(fake.lastRequest(path)!);

  /** A Claude Code turn: billing line, a tool without arguments, history with a tool loop. */
  const claudeCode = (model: string, max_tokens: number) => ({
    model,
    max_tokens,
    system: [
      { type: 'text' as const, text: `${BILLING}\nYou are Claude Code.` },
    ],
    tools: [
      {
        name: 'Bash',
        input_schema: {
          type: 'object' as const,
          properties: { command: { type: 'string' } },
        },
      },
      { name: 'ExitPlanMode', input_schema: NO_ARGS },
    ],
    messages: [
      { role: 'user' as const, content: 'List the files.' },
      {
        role: 'assistant' as const,
        content: [
          { type: 'text' as const, text: 'Listing.' },
          {
            type: 'tool_use' as const,
            id: 'toolu_01',
            name: 'Bash',
            input: { command: 'ls' },
          },
        ],
      },
      {
        role: 'user' as const,
        content: [
          {
            type: 'tool_result' as const,
            tool_use_id: 'toolu_01',
            content: 'a.txt',
          },
        ],
      },
    ],
  });

  it.each([['gemini-2.5-pro'], ['claude-sonnet-4'], ['gpt-5-mini']])(
    'Messages → Chat (%s): Claude Code’s turn is answered',
    async (model) => {
      const answer = await anthropic.messages.create(claudeCode(model, 4096));
      expect(answer.content).toContainEqual(
        expect.objectContaining({ type: 'text', text: 'Tool said: a.txt' }),
      );
      expectAnswered('/chat/completions');
      const body = lastBody('/chat/completions');
      expect(JSON.stringify(body.messages)).not.toContain(
        'x-anthropic-billing-header',
      );
      expect(body.tools[1].function.parameters).toEqual({
        type: 'object',
        properties: {},
      });
      expect(
        body[model === 'gpt-5-mini' ? 'max_completion_tokens' : 'max_tokens'],
      ).toBe(4096);
    },
  );

  it('Messages → Responses: Claude Code’s turn, and its one-token model probe, are answered', async () => {
    const answer = await anthropic.messages.create(
      claudeCode('gpt-5.1-codex', 4096),
    );
    expect(answer.content).toContainEqual(
      expect.objectContaining({ type: 'text', text: 'Tool said: a.txt' }),
    );
    expectAnswered('/responses');
    expect(lastBody('/responses')).toMatchObject({ store: false });

    // Claude Code's `/model` probe (R11).
    await anthropic.messages.create({
      model: 'gpt-5.1-codex',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expectAnswered('/responses');
    expect(lastBody('/responses').max_output_tokens).toBe(16);
  });

  it('Chat → Responses: store, service_tier, minimal effort and a small limit are answered', async () => {
    const answer = await openai.chat.completions.create({
      model: 'gpt-5.1-codex',
      store: true,
      service_tier: 'auto',
      reasoning_effort: 'minimal',
      max_completion_tokens: 8,
      tools: [
        {
          type: 'function',
          function: { name: 'exit_plan', parameters: NO_ARGS },
        },
      ],
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(answer.choices[0].message.content).toBeTruthy();
    expectAnswered('/responses');
    const body = lastBody('/responses');
    expect(body).toMatchObject({
      store: false,
      max_output_tokens: 16,
      reasoning: { effort: 'low' },
    });
    expect(body).not.toHaveProperty('service_tier');
  });

  it.each([['claude-sonnet-4'], ['gemini-2.5-pro'], ['gpt-5-mini']])(
    'Responses → Chat (%s): a Codex turn is answered',
    async (model) => {
      const answer = await openai.responses.create({
        model,
        store: false,
        max_output_tokens: 2048,
        include: ['reasoning.encrypted_content'],
        instructions: 'You are Codex.',
        tools: [
          {
            type: 'function',
            name: 'exec_command',
            parameters: {
              type: 'object',
              properties: { cmd: { type: 'string' } },
            },
            strict: false,
          },
          {
            type: 'function',
            name: 'list_mcp_resources',
            parameters: NO_ARGS,
            strict: false,
          },
        ],
        input: [
          { role: 'user', content: 'List the files.' },
          {
            type: 'function_call',
            call_id: 'call_1',
            name: 'exec_command',
            arguments: '{"cmd":"ls"}',
          },
          { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        ],
      });
      expect(answer.output_text).toBe('Tool said: a.txt');
      expectAnswered('/chat/completions');
      const body = lastBody('/chat/completions');
      expect(body.tools[1].function.parameters).toEqual({
        type: 'object',
        properties: {},
      });
      expect(
        body[model === 'gpt-5-mini' ? 'max_completion_tokens' : 'max_tokens'],
      ).toBe(2048);
    },
  );
});
