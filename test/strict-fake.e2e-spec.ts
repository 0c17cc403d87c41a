import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, RawResponse } from './support/http-client';
import {
  jsonDiff,
  REQUEST_ID,
  startStrictCopilot,
  STRICT_RULES,
  TEXT_PLAIN,
} from './support/strict/strict-copilot';

/**
 * The strict fake Copilot itself, with no proxy in front: it refuses each rule of
 * the catalogue with Copilot's exact body and content type, lets a rule be switched
 * off, records what reached it, and answers in Copilot's shapes.
 */

const HEADERS = {
  authorization: 'Bearer test-copilot-token',
  'editor-version': 'vscode/1.124.2',
  'content-type': 'application/json',
};
const JSON_TYPE = 'application/json';

type Body = Record<string, unknown>;
const user = (content: unknown = 'Hi') => ({ role: 'user', content });
const claude = (extra: Body = {}): Body => ({
  model: 'claude-sonnet-4.5',
  max_tokens: 100,
  messages: [user()],
  ...extra,
});
const chat = (extra: Body = {}): Body => ({
  model: 'gpt-5-mini',
  messages: [user()],
  ...extra,
});
const responses = (extra: Body = {}): Body => ({
  model: 'gpt-5.4',
  input: 'Hi',
  store: false,
  ...extra,
});
const copilot = (message: string, code = 'invalid_request_body', extra = {}) =>
  `${JSON.stringify({ error: { message, code, ...extra } })}\n`;
const bare = (message: string) => JSON.stringify({ message });
const extra = (path: string) => bare(`${path}: Extra inputs are not permitted`);
const anthropic = (message: string) =>
  JSON.stringify({
    type: 'error',
    error: { type: 'invalid_request_error', message },
    request_id: REQUEST_ID,
  });
const unsupported = (field: string, param = field) =>
  copilot(`${field} is not supported`, 'unsupported_value', { param });
const thinkingTurn = (block: Body) => [
  user(),
  { role: 'assistant', content: [block, { type: 'text', text: 'Hello' }] },
  user('More'),
];
const namespace = (name: string, description: string) => ({
  type: 'namespace',
  name,
  description,
  tools: [
    {
      type: 'function',
      name: 'imagegen',
      parameters: { type: 'object', properties: {} },
    },
  ],
});

interface Case {
  rule: string;
  path: string;
  body: Body | string;
  headers?: Record<string, string>;
  status?: number;
  type: string;
  expected: string;
}

const M = '/v1/messages';
const C = '/chat/completions';
const R = '/responses';

const CASES: Case[] = [
  {
    rule: 'g4',
    path: C,
    body: 'not json',
    type: TEXT_PLAIN,
    expected: copilot('failed to parse request', ''),
  },
  {
    rule: 'g5',
    path: C,
    body: chat(),
    headers: { 'x-github-api-version': '2025-04-01' },
    status: 466,
    type: TEXT_PLAIN,
    expected:
      '{"error":{"message":"bad request: the specified API version is no longer supported. You may need to update your client to a newer version.\\n","type":"error"}}\n',
  },
  {
    rule: 'g6',
    path: M,
    body: claude({ model: 'claude-nope' }),
    type: TEXT_PLAIN,
    expected:
      '{"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}\n',
  },
  {
    rule: 'g7',
    path: C,
    body: chat({ model: 'gpt-5.1-codex' }),
    type: TEXT_PLAIN,
    expected: copilot(
      'model "gpt-5.1-codex" is not accessible via the /chat/completions endpoint',
      'unsupported_api_for_model',
    ),
  },
  {
    rule: 'g14',
    path: M,
    body: claude({ model: 'claude-opus-4.8' }),
    headers: {
      'user-agent':
        'vscode_claude_code/2.1.112 (external, sdk-ts, agent-sdk/0.2.112)',
    },
    status: 403,
    type: TEXT_PLAIN,
    expected: 'Access to this endpoint is forbidden',
  },
  {
    rule: 'm1',
    path: M,
    body: claude(),
    headers: {
      'anthropic-beta':
        'claude-code-20250219,interleaved-thinking-2025-05-14,prompt-caching-scope-2026-01-05',
    },
    type: JSON_TYPE,
    expected: anthropic(
      'Unexpected value(s) `claude-code-20250219`, `prompt-caching-scope-2026-01-05` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.',
    ),
  },
  {
    rule: 'm1',
    path: '/v1/messages/count_tokens',
    body: claude(),
    headers: { 'anthropic-beta': 'advisor-tool-2026-03-01' },
    type: JSON_TYPE,
    expected: anthropic(
      'Unexpected value(s) `advisor-tool-2026-03-01` for the `anthropic-beta` header. Please consult our documentation at docs.anthropic.com or try again without the header.',
    ),
  },
  {
    rule: 'm2',
    path: M,
    type: JSON_TYPE,
    expected: extra('system.1.cache_control.ephemeral.scope'),
    body: claude({
      system: [
        { type: 'text', text: 'a' },
        {
          type: 'text',
          text: 'b',
          cache_control: { type: 'ephemeral', scope: 'global' },
        },
      ],
    }),
  },
  {
    rule: 'm4',
    path: M,
    body: claude({ cache_control: { type: 'ephemeral' } }),
    type: JSON_TYPE,
    expected: extra('cache_control'),
  },
  {
    rule: 'm5',
    path: M,
    type: JSON_TYPE,
    body: claude({
      messages: [
        user(),
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} },
          ],
        },
        user([
          {
            type: 'tool_result',
            tool_use_id: 'toolu_1',
            content: [
              {
                type: 'text',
                text: 'ok',
                cache_control: { type: 'ephemeral' },
              },
            ],
          },
        ]),
      ],
    }),
    expected: bare(
      'messages.2.content.0.tool_result.content.0.cache_control: cache_control may not be specified within `tool_result.content`. Instead, place it directly on `tool_result`',
    ),
  },
  {
    rule: 'm6',
    path: M,
    type: JSON_TYPE,
    expected: extra('tools.0.custom.eager_input_streaming'),
    body: claude({
      tools: [
        {
          name: 'Bash',
          input_schema: { type: 'object', properties: {} },
          eager_input_streaming: true,
        },
      ],
    }),
  },
  {
    rule: 'm7',
    path: M,
    body: claude({ context_management: { edits: [] } }),
    type: JSON_TYPE,
    expected: extra('context_management'),
  },
  {
    rule: 'c4',
    path: M,
    body: claude({
      system:
        'x-anthropic-billing-header: cc_version=2.1.197; cch=00000;\nYou are Claude Code.',
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      'x-anthropic-billing-header is a reserved keyword and may not be used in the system prompt.',
    ),
  },
  {
    rule: 'm9',
    path: M,
    body: claude({
      messages: [user(), { role: 'system', content: 'Be brief.' }],
    }),
    type: JSON_TYPE,
    expected: anthropic(
      'messages.1.role: Unexpected role "system". The Anthropic Messages API accepts a top-level `system` parameter, not "system" as an input message role.',
    ),
  },
  {
    rule: 'm10',
    path: M,
    body: claude({
      messages: thinkingTurn({
        type: 'thinking',
        thinking: null,
        signature: 'x',
      }),
    }),
    type: JSON_TYPE,
    expected: bare(
      'messages.1.content.0.thinking.thinking: Input should be a valid string',
    ),
  },
  {
    rule: 'm10',
    path: M,
    body: claude({
      messages: thinkingTurn({ type: 'thinking', signature: 'x' }),
    }),
    type: JSON_TYPE,
    expected: bare('messages.1.content.0.thinking.thinking: Field required'),
  },
  {
    rule: 'm10-signature',
    path: M,
    body: claude({
      messages: thinkingTurn({
        type: 'thinking',
        thinking: 'Hmm.',
        signature: 'forged',
      }),
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      'messages.1.content.0: Invalid signature in thinking block',
    ),
  },
  {
    rule: 'm11',
    path: M,
    body: claude({ thinking: { type: 'adaptive', budget_tokens: 2048 } }),
    type: JSON_TYPE,
    expected: extra('thinking.adaptive.budget_tokens'),
  },
  {
    rule: 'm15',
    path: M,
    body: claude({ speed: 'fast' }),
    type: JSON_TYPE,
    expected: extra('speed'),
  },
  {
    rule: 'm16',
    path: M,
    body: claude({ inference_geo: 'us' }),
    type: JSON_TYPE,
    expected: extra('inference_geo'),
  },
  {
    rule: 'm17',
    path: M,
    body: claude({ tools: [{ type: 'advisor_20260301', name: 'advisor' }] }),
    type: JSON_TYPE,
    expected: bare(
      "tools.0: Input tag 'advisor_20260301' found using 'type' does not match any of the expected tags",
    ),
  },
  {
    rule: 'm18',
    path: M,
    body: claude({
      messages: [user(), { role: 'assistant', content: 'Sure' }],
    }),
    type: JSON_TYPE,
    expected: anthropic(
      'This model does not support assistant message prefill. The conversation must end with a user message.',
    ),
  },
  {
    rule: 'c1',
    path: C,
    body: chat({ max_tokens: 100 }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    ),
  },
  {
    rule: 'c4',
    path: C,
    type: TEXT_PLAIN,
    body: chat({
      model: 'claude-sonnet-4.5',
      messages: [
        {
          role: 'system',
          content: 'x-anthropic-billing-header: cc_version=1; cch=0;',
        },
        user(),
      ],
    }),
    expected: copilot(
      'x-anthropic-billing-header is a reserved keyword and may not be used in the system prompt.',
    ),
  },
  {
    rule: 'c8',
    path: C,
    type: TEXT_PLAIN,
    body: chat({
      model: 'claude-sonnet-4.5',
      messages: [
        user(),
        {
          role: 'assistant',
          content: 'Hello',
          reasoning_text: 'Hmm.',
          reasoning_opaque: 'forged',
        },
        user('More'),
      ],
    }),
    expected: copilot(
      'messages.1.content.0: Invalid signature in thinking block',
    ),
  },
  {
    rule: 'c13',
    path: C,
    body: chat({
      tools: [
        {
          type: 'function',
          function: { name: 'ls', parameters: { type: 'object' } },
        },
      ],
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Invalid schema for function 'ls': In context=(), object schema missing properties.",
    ),
  },
  {
    rule: 'e1',
    path: '/embeddings',
    body: { model: 'text-embedding-3-small', input: 'hello' },
    type: TEXT_PLAIN,
    expected: copilot("Invalid 'input': expected an array of strings."),
  },
  {
    rule: 'r1',
    path: R,
    body: responses({ store: true }),
    type: TEXT_PLAIN,
    expected: unsupported('store'),
  },
  {
    rule: 'r2',
    path: R,
    body: responses({ service_tier: 'auto' }),
    type: TEXT_PLAIN,
    expected: unsupported('service_tier'),
  },
  {
    rule: 'r3',
    path: R,
    body: responses({ previous_response_id: 'resp_1' }),
    type: TEXT_PLAIN,
    expected: unsupported('previous_response_id'),
  },
  {
    rule: 'r3',
    path: R,
    body: responses({ background: true }),
    type: TEXT_PLAIN,
    expected: unsupported('background'),
  },
  {
    rule: 'r3',
    path: R,
    body: responses({ conversation: 'conv_1' }),
    type: TEXT_PLAIN,
    expected: unsupported('conversation'),
  },
  {
    rule: 'r4',
    path: R,
    body: responses({ tools: [{ type: 'image_generation' }] }),
    type: TEXT_PLAIN,
    expected: unsupported('image_generation', 'tools'),
  },
  {
    rule: 'r5',
    path: R,
    body: responses({
      model: 'gpt-5.5',
      tools: [namespace('image_gen', 'Images')],
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Invalid Value: 'tools.namespace'. User-defined namespace 'image_gen' collides with an existing tool namespace.",
    ),
  },
  {
    rule: 'r6',
    path: R,
    body: responses({ tools: [namespace('functions', '')] }),
    type: TEXT_PLAIN,
    expected: copilot(
      "[StringParam] [tools[0].description] [empty_string] Invalid 'tools[0].description': empty string. Expected a string with minimum length 1, but got an empty string instead.",
    ),
  },
  {
    rule: 'r6',
    path: R,
    body: responses({
      input: [
        { type: 'additional_tools', tools: [namespace('functions', '')] },
      ],
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      "[StringParam] [input[0].tools[0].description] [empty_string] Invalid 'input[0].tools[0].description': empty string. Expected a string with minimum length 1, but got an empty string instead.",
    ),
  },
  {
    rule: 'r7',
    path: R,
    type: TEXT_PLAIN,
    body: responses({
      input: [
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'Hi' }],
          internal_chat_message_metadata_passthrough: {
            content_item_kinds: ['text'],
          },
        },
      ],
    }),
    expected: copilot(
      "[ObjectParam] [input[0].internal_chat_message_metadata_passthrough.content_item_kinds] [unknown_parameter] Unknown parameter: 'input[0].internal_chat_message_metadata_passthrough.content_item_kinds'.",
    ),
  },
  {
    rule: 'r8',
    path: R,
    type: TEXT_PLAIN,
    body: responses({
      tools: [namespace('images', 'Images')],
      input: [
        user(),
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'imagegen',
          arguments: '{}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'ok' },
      ],
    }),
    expected: copilot(
      "Missing namespace for function_call 'imagegen'. It does not exist in the default namespace. Round-trip the model's function_call item with its namespace field included.",
    ),
  },
  {
    rule: 'r10',
    path: R,
    body: responses({
      input: [
        user(),
        {
          type: 'reasoning',
          id: 'rs_1',
          summary: [],
          encrypted_content: 'forged',
        },
        user('More'),
      ],
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      'The encrypted content for item rs_1 could not be verified.',
    ),
  },
  {
    rule: 'r11',
    path: R,
    body: responses({ max_output_tokens: 1 }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 1 instead.",
    ),
  },
  {
    rule: 'r12',
    path: R,
    body: responses({
      input: [
        {
          role: 'assistant',
          content: [{ type: 'input_text', text: 'Summary' }],
        },
        user(),
      ],
    }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
    ),
  },
  {
    rule: 'r14',
    path: R,
    body: responses({ reasoning: { effort: 'minimal' } }),
    type: TEXT_PLAIN,
    expected: copilot(
      "Unsupported value: 'reasoning.effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', and 'high'.",
    ),
  },
];

/** Rules that are checks of the body or model, not switchable. */
const FIXED = new Set(['g4', 'g6', 'g7']);

describe('strict fake Copilot', () => {
  let fake: FakeCopilotApi;
  const post = (
    path: string,
    body: Body | string,
    headers: Record<string, string> = {},
  ): Promise<RawResponse> =>
    rawRequest(fake.url + path, {
      method: 'POST',
      headers: { ...HEADERS, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const json = (res: RawResponse) => JSON.parse(res.body.toString());
  const verdict = () => fake.strict!.verdicts.at(-1)!;

  beforeAll(async () => {
    fake = await startStrictCopilot();
  });
  afterAll(() => fake.stop());

  it.each(
    CASES.map(
      (c) => [`${c.rule} ${c.path} ${c.expected.slice(0, 50)}`, c] as const,
    ),
  )(
    'refuses %s with the exact body, and not once the rule is off',
    async (_, { rule, path, body, headers, status, type, expected }) => {
      const res = await post(path, body, headers);
      expect(res.status).toBe(status ?? 400);
      expect(res.headers['content-type']).toBe(type);
      expect(res.body.toString()).toBe(expected);
      expect(
        Object.keys(res.headers).filter((h) =>
          h.startsWith('x-quota-snapshot-'),
        ),
      ).toEqual([]);
      expect(res.headers.connection).toBe('close');
      expect(verdict().rule).toBe(rule);
      if (FIXED.has(rule)) return;
      fake.strict!.off(rule);
      try {
        await post(path, body, headers);
        expect(verdict().rule).not.toBe(rule);
      } finally {
        fake.strict!.on(rule);
      }
    },
  );

  it('gives every switchable rule a case, and knows no rule it is told of', () => {
    const covered = new Set(CASES.map((c) => c.rule));
    const optIn = STRICT_RULES.filter((r) => r.optIn).map((r) => r.id);
    expect(
      STRICT_RULES.map((r) => r.id).filter(
        (id) => !covered.has(id) && !optIn.includes(id),
      ),
    ).toEqual([]);
    expect(() => fake.strict!.off('m99')).toThrow(
      'the strict fake has no rule m99',
    );
  });

  it.each([
    [
      'm3',
      M,
      claude({
        system: [
          {
            type: 'text',
            text: 'a',
            cache_control: { type: 'ephemeral', ttl: '1h' },
          },
        ],
      }),
      extra('system.0.cache_control.ephemeral.ttl'),
    ],
    [
      'c5',
      C,
      chat({
        model: 'claude-sonnet-4.5',
        messages: [{ role: 'system', content: 'Be brief.' }, user()],
      }),
      copilot('system messages are not supported for this model'),
    ],
    ['r1-absent', R, { model: 'gpt-5.4', input: 'Hi' }, unsupported('store')],
  ])(
    'accepts what opt-in rule %s refuses until it is switched on',
    async (rule, path, body, expected) => {
      expect((await post(path, body)).status).toBe(200);
      fake.strict!.on(rule);
      try {
        const res = await post(path, body);
        expect([res.status, res.body.toString()]).toEqual([400, expected]);
      } finally {
        fake.strict!.off(rule);
      }
    },
  );

  it('accepts what the rules allow: a known beta, a top-level cache_control on opus-4.6, inline system on opus-4.8', async () => {
    const ok = [
      await post(M, claude({ context_management: { edits: [] } }), {
        'anthropic-beta': 'context-management-2025-06-27',
      }),
      await post(
        M,
        claude({
          model: 'claude-opus-4.6',
          cache_control: { type: 'ephemeral' },
        }),
      ),
      await post(
        M,
        claude({
          model: 'claude-opus-4.8',
          messages: [user(), { role: 'system', content: 'Be brief.' }],
        }),
      ),
      await post(C, chat({ max_completion_tokens: 100 })),
      await post(R, responses({ max_output_tokens: 16 }), {
        'x-github-api-version': '2025-05-01',
      }),
    ];
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('records every request it received, raw bytes and headers as sent', async () => {
    const body =
      '{"model":"gpt-4o",  "messages":[{"role":"user","content":"Hi"}]}';
    await post(C, body, { 'x-odd-header': 'Kept' });
    const seen = fake.lastRequest(C)!;
    expect(seen.method).toBe('POST');
    expect(seen.body.equals(Buffer.from(body))).toBe(true);
    expect(seen.rawHeaders).toContain('x-odd-header');
    expect(jsonDiff(body, seen.body)).toEqual([]);
    expect(
      jsonDiff(
        { a: 1, b: [1, { c: 2 }], e: 'x' },
        { a: 1, b: [1, { c: 3 }], d: 0, e: 'x' },
      ),
    ).toEqual(['b[1].c', 'd']);
    expect(verdict()).toMatchObject({ path: C, status: 200 });
    expect(verdict().rule).toBeUndefined();
  });

  it('answers chat without object or created, with padding, filter results, a dated model and copilot_usage', async () => {
    const res = await post(C, { model: 'gpt-4o', messages: [user()] });
    const body = json(res);
    expect(body).not.toHaveProperty('object');
    expect(body).not.toHaveProperty('created');
    expect(body).toMatchObject({
      model: 'gpt-4o-2024-11-20',
      prompt_filter_results: [{ prompt_index: 0 }],
      system_fingerprint: expect.any(String),
      choices: [
        {
          content_filter_results: {},
          message: {
            padding: expect.any(String),
            content: 'Hello from the strict fake.',
          },
        },
      ],
      usage: { completion_tokens_details: { accepted_prediction_tokens: 0 } },
      copilot_usage: { total_nano_aiu: expect.any(Number) },
    });
    expect(res.headers['x-quota-snapshot-premium_interactions']).toMatch(
      /^ent=/,
    );
    expect(res.headers['x-quota-snapshot-chat']).toMatch(/^ent=-1/);
    expect(res.headers.connection).toBe('close');
  });

  it('streams chat like Copilot: leading empty choices, metadata chunk, usage on a trailing empty-choices chunk, [DONE]', async () => {
    const res = await post(C, {
      model: 'gpt-4o',
      stream: true,
      messages: [user()],
    });
    const lines = res.body.toString().split('\n\n').filter(Boolean);
    expect(lines.at(-1)).toBe('data: [DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l.slice(6)));
    expect(chunks[0]).toEqual({
      choices: [],
      created: 0,
      id: '',
      prompt_filter_results: expect.any(Array),
    });
    expect(chunks.filter((c) => 'object' in c)).toEqual([]);
    const empty = chunks.filter((c) => c.choices.length === 0);
    expect(empty.map((c) => 'usage' in c)).toEqual([false, false, true]);
    expect(chunks.at(-1)).toMatchObject({
      usage: { total_tokens: 33 },
      copilot_usage: expect.any(Object),
    });
    expect(chunks.filter((c) => c.choices[0]?.finish_reason).length).toBe(1);
    expect(
      chunks.slice(1, -2).every((c) => c.model === 'gpt-4o-2024-11-20'),
    ).toBe(true);
  });

  const eventsOf = (res: RawResponse) =>
    res.body
      .toString()
      .split('\n\n')
      .filter(Boolean)
      .map((block) =>
        block
          .split('\n')
          .find((l) => l.startsWith('data: '))!
          .slice(6),
      )
      .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));

  it('streams Responses with a different long item id on every event of an item, and copilot_usage on the end', async () => {
    const res = await post(
      R,
      responses({
        stream: true,
        reasoning: { effort: 'high', summary: 'detailed' },
      }),
    );
    const events = eventsOf(res);
    expect(events.map((e) => e.sequence_number)).toEqual(
      events.map((_, i) => i),
    );
    for (const index of [0, 1]) {
      const ids = events
        .filter((e) => e.output_index === index)
        .map((e) => e.item_id ?? e.item.id);
      expect(ids.length).toBeGreaterThan(3);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.every((id: string) => id.length === 408)).toBe(true);
    }
    const done = events.at(-1);
    expect(done).toMatchObject({
      type: 'response.completed',
      copilot_usage: { total_nano_aiu: expect.any(Number) },
      response: {
        service_tier: 'priority',
        model: 'gpt-5.4-2026-03-05',
        status: 'completed',
      },
    });
    expect(done.response.id.length).toBe(320);
    expect(done.response).not.toHaveProperty('store');
    expect(done.response.output.map((i: any) => i.type)).toEqual([
      'reasoning',
      'message',
    ]);
    const itemIds = events
      .filter((e) => e.output_index === 1)
      .map((e) => e.item_id ?? e.item.id);
    expect(itemIds).not.toContain(done.response.output[1].id);
  });

  it.each([
    [
      'STRICT_NO_SEQ',
      (types: string[], events: any[]) => {
        expect(types.length).toBeGreaterThan(3);
        expect(events.filter((e) => 'sequence_number' in e)).toEqual([]);
      },
    ],
    [
      'STRICT_FAST_PATH',
      (types: string[], events: any[]) => {
        expect(types).toEqual([
          'response.created',
          'response.in_progress',
          'response.completed',
        ]);
        expect(events[2].response.output[0].content[0].text).toBe(
          'Hello from the strict fake.',
        );
      },
    ],
  ])(
    'streams Responses the %s way when the prompt says so',
    async (marker, check) => {
      const events = eventsOf(
        await post(R, responses({ stream: true, input: `Hi ${marker}` })),
      );
      check(
        events.map((e) => e.type),
        events,
      );
    },
  );

  it('answers messages with msg_bdrk_ ids and context_management, and streams [DONE] after message_stop', async () => {
    const plain = json(await post(M, claude()));
    expect(plain).toMatchObject({
      id: expect.stringMatching(/^msg_bdrk_01/),
      model: 'claude-sonnet-4-5-20250929',
      context_management: { applied_edits: [] },
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    const events = eventsOf(await post(M, claude({ stream: true })));
    const paced = eventsOf(
      await post(M, claude({ stream: true }), { 'x-fake-interval-ms': '0' }),
    );
    expect(paced.map((e) => e.type ?? e)).toEqual(
      events.map((e) => e.type ?? e),
    );
    expect(events.slice(-2)).toEqual([{ type: 'message_stop' }, '[DONE]']);
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({
      context_management: { applied_edits: [] },
    });
    expect(events[0].message.id).toMatch(/^msg_bdrk_01/);
  });

  it.each([
    [
      M,
      JSON_TYPE,
      /^\{"type":"error","error":\{"type":"invalid_request_error","message":"Request body is too large for model context window/,
    ],
    [
      C,
      TEXT_PLAIN,
      /^\{"error":\{"message":"prompt token count of \d+ exceeds the limit of \d+","code":"model_max_prompt_tokens_exceeded"\}\}\n$/,
    ],
    [
      R,
      TEXT_PLAIN,
      /^\{"error":\{"message":"prompt token count of \d+ exceeds the limit of \d+","code":"model_max_prompt_tokens_exceeded"\}\}\n$/,
    ],
  ])(
    'overflows the context on %s when the prompt says STRICT_OVERFLOW',
    async (path, type, body) => {
      const request =
        path === M
          ? claude({ messages: [user('STRICT_OVERFLOW')] })
          : path === C
            ? chat({ messages: [user('STRICT_OVERFLOW')] })
            : responses({ input: 'STRICT_OVERFLOW' });
      const res = await post(path, request);
      expect([res.status, res.headers['content-type']]).toEqual([400, type]);
      expect(res.body.toString()).toMatch(body);
    },
  );

  it('counts tokens, embeds without object/model, and lists models without quota headers', async () => {
    expect(json(await post('/v1/messages/count_tokens', claude()))).toEqual({
      input_tokens: expect.any(Number),
    });
    const embedded = json(
      await post('/embeddings', {
        model: 'text-embedding-3-small',
        input: ['a'],
      }),
    );
    expect(Object.keys(embedded).sort()).toEqual(['data', 'usage']);
    const models = await rawRequest(fake.url + '/models', { headers: HEADERS });
    expect(models.status).toBe(200);
    expect(
      Object.keys(models.headers).filter((h) => h.startsWith('x-quota')),
    ).toEqual([]);
  });

  describe('reasoning: what it issued, and whether it came back', () => {
    const turn = () => fake.requests.length - 1;

    it('messages: a signed thinking block, accepted back on the next turn and noted as arrived', async () => {
      const first = json(
        await post(
          M,
          claude({ thinking: { type: 'enabled', budget_tokens: 1024 } }),
        ),
      );
      const issuedOn = turn();
      const [thinking] = first.content;
      expect(thinking).toMatchObject({
        type: 'thinking',
        thinking: expect.any(String),
        signature: expect.any(String),
      });
      const back = await post(
        M,
        claude({
          messages: [
            user(),
            { role: 'assistant', content: first.content },
            user('More'),
          ],
        }),
      );
      expect(back.status).toBe(200);
      expect(fake.strict!.ledger.arrivedFrom(issuedOn)).toEqual([
        expect.objectContaining({
          kind: 'signature',
          value: thinking.signature,
          request: turn(),
        }),
      ]);
      const omitted = eventsOf(
        await post(
          M,
          claude({
            model: 'claude-opus-4.8',
            stream: true,
            thinking: { type: 'adaptive' },
          }),
        ),
      );
      const deltas = omitted
        .filter((e) => e.type === 'content_block_delta')
        .map((e) => e.delta.type);
      expect(deltas).toContain('signature_delta');
      expect(deltas).not.toContain('thinking_delta');
    });

    it('chat: Claude reasoning_text and reasoning_opaque deltas, the opaque accepted back', async () => {
      const events = eventsOf(
        await post(
          C,
          chat({
            model: 'claude-sonnet-4.5',
            stream: true,
            thinking_budget: 1024,
          }),
        ),
      );
      const issuedOn = turn();
      const deltas = events
        .slice(0, -1)
        .flatMap((e) => e.choices.map((c: any) => c.delta));
      const opaque = deltas.find((d) => d.reasoning_opaque)?.reasoning_opaque;
      expect(
        deltas
          .map((d) => d.reasoning_text)
          .filter(Boolean)
          .join(''),
      ).toBe('Let me think about that.');
      const messages = [
        user(),
        {
          role: 'assistant',
          content: 'Hi',
          reasoning_text: 'Let me think about that.',
          reasoning_opaque: opaque,
        },
        user('More'),
      ];
      expect(
        (await post(C, chat({ model: 'claude-sonnet-4.5', messages }))).status,
      ).toBe(200);
      expect(
        fake.strict!.ledger.arrivedFrom(issuedOn).map((r) => r.value),
      ).toEqual([opaque]);
    });

    it('responses: a reasoning item with encrypted_content, accepted back and noted; without include, none', async () => {
      const first = json(
        await post(
          R,
          responses({
            reasoning: { effort: 'low' },
            include: ['reasoning.encrypted_content'],
          }),
        ),
      );
      const issuedOn = turn();
      const [reasoning] = first.output;
      expect(reasoning).toMatchObject({
        type: 'reasoning',
        encrypted_content: expect.stringMatching(/^gAAAAAB/),
      });
      const input = [
        user(),
        reasoning,
        { role: 'assistant', content: [{ type: 'output_text', text: 'Hi' }] },
        user('More'),
      ];
      expect((await post(R, responses({ input }))).status).toBe(200);
      expect(fake.strict!.ledger.returnedOn(turn())).toEqual([
        expect.objectContaining({
          kind: 'encrypted_content',
          issued: expect.objectContaining({ request: issuedOn }),
        }),
      ]);
      const bare = json(
        await post(R, responses({ reasoning: { effort: 'low' } })),
      );
      expect(bare.output[0]).not.toHaveProperty('encrypted_content');
    });
  });

  it('floods tool-call arguments with whitespace when the prompt says STRICT_WHITESPACE (G16)', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'Bash',
          parameters: { type: 'object', properties: {} },
        },
      },
    ];
    const chunks = eventsOf(
      await post(
        C,
        chat({
          stream: true,
          tools,
          messages: [user('USE_TOOL STRICT_WHITESPACE')],
        }),
      ),
    );
    const args = chunks
      .slice(0, -1)
      .flatMap((c) => c.choices.flatMap((x: any) => x.delta?.tool_calls ?? []))
      .map((t: any) => t.function.arguments)
      .join('');
    expect(args).toMatch(/^[\n\t\r]{21,}$/);
    expect(
      chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason,
    ).toBe('length');
    const fn = [
      {
        type: 'function',
        name: 'Bash',
        parameters: { type: 'object', properties: {} },
      },
    ];
    const events = eventsOf(
      await post(
        R,
        responses({
          stream: true,
          tools: fn,
          input: 'USE_TOOL STRICT_WHITESPACE',
        }),
      ),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'response.incomplete',
      response: { incomplete_details: { reason: 'max_output_tokens' } },
    });
    expect(
      events.find((e) => e.type === 'response.function_call_arguments.done')
        .arguments,
    ).toMatch(/^[\n\t\r]{21,}$/);
  });

  it('splits a Claude chat answer into two choices when answers.splitChoices is on (C9)', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'Bash',
          parameters: { type: 'object', properties: {} },
        },
      },
    ];
    const body = chat({
      model: 'claude-sonnet-4.5',
      tools,
      messages: [user('USE_TOOL_AND_TEXT')],
    });
    expect(json(await post(C, body)).choices).toHaveLength(1);
    fake.strict!.answers.splitChoices = true;
    try {
      const { choices } = json(await post(C, body));
      expect(
        choices.map((c: any) => [
          c.index,
          c.message.content,
          c.message.tool_calls?.length,
        ]),
      ).toEqual([
        [0, 'Let me run that.', undefined],
        [1, null, 1],
      ]);
      const chunks = eventsOf(await post(C, { ...body, stream: true })).slice(
        1,
        -1,
      );
      const callChoices = chunks.flatMap((c) =>
        c.choices
          .filter((x: any) => x.delta?.tool_calls)
          .map((x: any) => x.index),
      );
      expect(new Set(callChoices)).toEqual(new Set([1]));
    } finally {
      fake.strict!.answers.splitChoices = false;
    }
  });

  it('answers in shapes the official SDKs read, straight from the fake', async () => {
    const headers = { 'editor-version': HEADERS['editor-version'] };
    const openai = new OpenAI({
      baseURL: fake.url,
      apiKey: 'test-copilot-token',
      defaultHeaders: headers,
      maxRetries: 0,
    });
    const chatText = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(chatText.choices[0].message.content).toBe(
      'Hello from the strict fake.',
    );
    let streamed = '';
    const chunks = await openai.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    for await (const chunk of chunks)
      streamed += chunk.choices[0]?.delta.content ?? '';
    expect(streamed).toBe('Hello from the strict fake.');
    const answer = await openai.responses
      .stream({ model: 'gpt-5.4', input: 'Hi', store: false })
      .finalResponse();
    expect(answer.output_text).toBe('Hello from the strict fake.');
    const anthropic = new Anthropic({
      baseURL: fake.url,
      authToken: 'test-copilot-token',
      apiKey: null,
      defaultHeaders: headers,
      maxRetries: 0,
    });
    const message = await anthropic.messages
      .stream({
        model: 'claude-sonnet-4.5',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .finalMessage();
    expect(message.content).toEqual([
      {
        type: 'text',
        text: 'Hello from the strict fake Claude.',
      },
    ]);
  });
});
