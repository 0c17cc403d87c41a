import request from 'supertest';
import { REQUEST_RULES } from '../src/compat/rules';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { useFakeAndProxy } from './support/test-app';

/**
 * Each compatibility rule (SPEC §13) against the strict fake: a client's request
 * that breaks one catalogue rule is refused by the fake with the proxy's rule off,
 * and served with it on; what reached the fake is the client's bytes with the one
 * edit the rule makes (checked byte for byte), and the answer names the rule in
 * `X-Copilot-Adjusted`. The bodies are the smallest ones that carry the offending
 * part as the named client sends it.
 */

/** `text` with `from` replaced by `to`; throws when `from` is absent, so no row passes vacuously. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`"${from}" is not in the body`);
  return text.replace(from, to);
}

interface Row {
  /** The proxy's rule id (`COMPAT_RULES`). */
  id: string;
  /** The strict fake's rule that refuses the client's request. */
  refusedBy: string;
  /** The client's path. */
  path: '/v1/messages' | '/v1/chat/completions' | '/v1/responses';
  headers?: Record<string, string>;
  body: string;
  /** The body upstream should get: the client's with the rule's edit. */
  sent: (body: string) => string;
  /** Headers upstream should get (lower-case names). */
  sentHeaders?: Record<string, string | undefined>;
}

const BILLING =
  'x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;';
const HI = '"messages":[{"role":"user","content":"Hi"}]';

const ROWS: Row[] = [
  {
    // Claude Code 2.1.332's betas, cut to one Copilot refuses and one it takes.
    id: 'm1',
    refusedBy: 'm1',
    path: '/v1/messages',
    headers: {
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
    },
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,${HI}}`,
    sent: (b) => b,
    sentHeaders: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
  },
  {
    // Claude Code sends context_management; here without its beta.
    id: 'm7',
    refusedBy: 'm7',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,${HI},"context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]}}`,
    sent: (b) => b,
    sentHeaders: { 'anthropic-beta': 'context-management-2025-06-27' },
  },
  {
    // Claude Code 2.1.24+: cache_control.scope on a system block.
    id: 'm2',
    refusedBy: 'm2',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"system":[{"type":"text","text":"You are Claude.","cache_control":{"type":"ephemeral","scope":"global"}}],${HI}}`,
    sent: (b) => edit(b, ',"scope":"global"', ''),
  },
  {
    // Zed: ttl "1h" on a system block (the fake's M3 is opt-in: turned on here).
    id: 'm3',
    refusedBy: 'm3',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"system":[{"type":"text","text":"You are Zed.","cache_control":{"type":"ephemeral","ttl":"1h"}}],${HI}}`,
    sent: (b) => edit(b, ',"ttl":"1h"', ''),
  },
  {
    // Zed / the Anthropic SDK's automatic caching.
    id: 'm4',
    refusedBy: 'm4',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"cache_control":{"type":"ephemeral"},"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}`,
    sent: (b) =>
      edit(
        edit(b, '"cache_control":{"type":"ephemeral"},', ''),
        '"text":"Hi"}',
        '"text":"Hi","cache_control":{"type":"ephemeral"}}',
      ),
  },
  {
    // A proxy that folds text into tool_result.content, marker kept.
    id: 'm5',
    refusedBy: 'm5',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"tools":[{"name":"Bash","input_schema":{"type":"object","properties":{}}}],"messages":[{"role":"user","content":"ls"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a.txt","cache_control":{"type":"ephemeral"}}]}]}]}`,
    sent: (b) =>
      edit(b, ',"cache_control":{"type":"ephemeral"}}]}]}]}', '}]}]}]}'),
  },
  {
    // @ai-sdk/anthropic eagerInputStreaming.
    id: 'm6',
    refusedBy: 'm6',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"tools":[{"name":"Bash","input_schema":{"type":"object","properties":{}},"eager_input_streaming":true}],${HI}}`,
    sent: (b) => edit(b, ',"eager_input_streaming":true', ''),
  },
  {
    // Claude Code's first system block.
    id: 'c4',
    refusedBy: 'c4',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"system":[{"type":"text","text":"${BILLING}"},{"type":"text","text":"You are Claude."}],${HI}}`,
    sent: (b) => edit(b, `{"type":"text","text":"${BILLING}"},`, ''),
  },
  {
    // The Anthropic SDK's mid-conversation system message, on haiku-4.5.
    id: 'm9',
    refusedBy: 'm9',
    path: '/v1/messages',
    body: `{"model":"claude-haiku-4.5","max_tokens":64,"system":"You are Claude.","messages":[{"role":"user","content":"Hi"},{"role":"system","content":"Answer in French."}]}`,
    sent: (b) =>
      edit(
        edit(b, ',{"role":"system","content":"Answer in French."}', ''),
        '"You are Claude."',
        '"You are Claude.\\n\\nAnswer in French."',
      ),
  },
  {
    // A resumed session whose thinking text was dropped (null).
    id: 'm10',
    refusedBy: 'm10',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"thinking","thinking":null,"signature":"sig"},{"type":"text","text":"Hello"}]},{"role":"user","content":"Again"}]}`,
    sent: (b) => edit(b, '"thinking":null', '"thinking":""'),
  },
  {
    // Claude Code's Fast Mode.
    id: 'm15',
    refusedBy: 'm15',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,${HI},"speed":"fast"}`,
    sent: (b) => edit(b, ',"speed":"fast"', ''),
  },
  {
    id: 'm16',
    refusedBy: 'm16',
    path: '/v1/messages',
    body: `{"model":"claude-sonnet-4.5","max_tokens":64,"inference_geo":"us",${HI}}`,
    sent: (b) => edit(b, '"inference_geo":"us",', ''),
  },
  {
    // opencode / jcode on gpt-5*.
    id: 'c1',
    refusedBy: 'c1',
    path: '/v1/chat/completions',
    body: `{"model":"gpt-5-mini","max_tokens":64,${HI}}`,
    sent: (b) => edit(b, '"max_tokens"', '"max_completion_tokens"'),
  },
  {
    // Claude Code through an Anthropic→Chat client setup.
    id: 'c4',
    refusedBy: 'c4',
    path: '/v1/chat/completions',
    body: `{"model":"claude-sonnet-4.5","messages":[{"role":"system","content":"${BILLING}\\nYou are Claude."},{"role":"user","content":"Hi"}]}`,
    sent: (b) => edit(b, `${BILLING}\\n`, ''),
  },
  {
    // opencode: a tool without arguments.
    id: 'c13',
    refusedBy: 'c13',
    path: '/v1/chat/completions',
    body: `{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"todoread","parameters":{"type":"object"}}}],${HI}}`,
    sent: (b) =>
      edit(b, '{"type":"object"}', '{"type":"object","properties":{}}'),
  },
  {
    // The OpenAI SDK's default.
    id: 'r1',
    refusedBy: 'r1',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","store":true,"input":"Hi"}',
    sent: (b) => edit(b, '"store":true', '"store":false'),
  },
  {
    id: 'r2',
    refusedBy: 'r2',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","service_tier":"priority","input":"Hi"}',
    sent: (b) => edit(b, '"service_tier":"priority",', ''),
  },
  {
    id: 'r3b',
    refusedBy: 'r3',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","input":"Hi","background":true}',
    sent: (b) => edit(b, ',"background":true', ''),
  },
  {
    // Codex's image tool.
    id: 'r4',
    refusedBy: 'r4',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","tools":[{"type":"web_search"},{"type":"image_generation","output_format":"png"}],"input":"Hi"}',
    sent: (b) =>
      edit(b, ',{"type":"image_generation","output_format":"png"}', ''),
  },
  {
    // Codex CLI 0.147's additional_tools item.
    id: 'r6',
    refusedBy: 'r6',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","input":[{"type":"additional_tools","tools":[{"type":"namespace","name":"functions","description":"","tools":[]}]},{"role":"user","content":"Hi"}]}',
    sent: (b) =>
      edit(
        b,
        '"description":""',
        '"description":"Tools in the functions namespace."',
      ),
  },
  {
    // The ChatGPT/Codex app's metadata passthrough.
    id: 'r7',
    refusedBy: 'r7',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","input":[{"role":"user","content":"Hi","internal_chat_message_metadata_passthrough":{"content_item_kinds":["text"]}}]}',
    sent: (b) =>
      edit(
        b,
        ',"internal_chat_message_metadata_passthrough":{"content_item_kinds":["text"]}',
        '',
      ),
  },
  {
    // Claude Code's /model probe carried over.
    id: 'r11',
    refusedBy: 'r11',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","max_output_tokens":1,"input":"Hi"}',
    sent: (b) => edit(b, '"max_output_tokens":1', '"max_output_tokens":16'),
  },
  {
    // A compaction's assistant message sent back.
    id: 'r12',
    refusedBy: 'r12',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","input":[{"role":"user","content":"Hi"},{"type":"message","role":"assistant","content":[{"type":"input_text","text":"Summary"}]},{"role":"user","content":"Go on"}]}',
    sent: (b) =>
      edit(
        b,
        '"input_text","text":"Summary"',
        '"output_text","text":"Summary"',
      ),
  },
  {
    id: 'r14',
    refusedBy: 'r14',
    path: '/v1/responses',
    body: '{"model":"gpt-5-mini","reasoning":{"effort":"minimal"},"input":"Hi"}',
    sent: (b) => edit(b, '"minimal"', '"low"'),
  },
];

const UPSTREAM: Record<Row['path'], string> = {
  '/v1/messages': '/v1/messages',
  '/v1/chat/completions': '/chat/completions',
  '/v1/responses': '/responses',
};

/** The rule's name, as X-Copilot-Adjusted says it. */
const nameOf = (id: string) => REQUEST_RULES.find((r) => r.id === id)!.name;

function env(extra: Record<string, string> = {}) {
  return (fake: FakeCopilotApi) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
    ...extra,
  });
}

/** The strict fake, M3 (opt-in there) on; signatures not checked (the M10 row's is not the fake's). */
const STRICT = { strict: { rules: { m3: true }, off: ['m10-signature'] } };

function send(ctx: { proxy: { app: { getHttpServer(): unknown } } }, row: Row) {
  return request(ctx.proxy.app.getHttpServer() as never)
    .post(row.path)
    .set({ 'content-type': 'application/json', ...row.headers })
    .send(row.body);
}

const label = (row: Row) => `${row.id} (${row.path})`;

describe('compatibility rules against the strict fake', () => {
  it('covers every request rule of the Messages, Chat and Responses sections', () => {
    const covered = new Set([...ROWS.map((r) => r.id), 'r3']);
    const ids = REQUEST_RULES.map((r) => r.id).filter((id) =>
      /^[mcr]\d/.test(id),
    );
    expect(ids.filter((id) => !covered.has(id))).toEqual([]);
  });

  // One proxy with every rule off (`COMPAT_RULES=-m1,-m2,…`) stands for each
  // `-id`: the second proxy shows that no other rule touches a row's request,
  // so with `-id` alone it would go up as it came, as it does here.
  describe('with the rule off, the strict fake refuses the client’s request', () => {
    const off = REQUEST_RULES.map((r) => `-${r.id}`).join(',');
    const ctx = useFakeAndProxy(env({ COMPAT_RULES: off }), STRICT);

    it.each(ROWS.map((row) => [label(row), row] as const))(
      '%s',
      async (_, row) => {
        const res = await send(ctx, row);
        expect(res.status).toBeGreaterThanOrEqual(400);
        const verdict = ctx.fake.strict!.verdicts.at(-1)!;
        expect(verdict.rule).toBe(row.refusedBy);
        expect(ctx.fake.lastRequest(UPSTREAM[row.path])!.body.toString()).toBe(
          row.body,
        );
      },
    );

    it('r3: previous_response_id goes up and Copilot refuses it', async () => {
      const res = await send(ctx, {
        ...ROWS[0],
        path: '/v1/responses',
        headers: {},
        body: '{"model":"gpt-5-mini","previous_response_id":"resp_1","input":"Hi"}',
      });
      expect(res.status).toBe(400);
      expect(ctx.fake.strict!.verdicts.at(-1)!.rule).toBe('r3');
    });
  });

  describe('with the rule on (the default), the request is served with only the rule’s edit', () => {
    const ctx = useFakeAndProxy(env(), STRICT);

    it.each(ROWS.map((row) => [label(row), row] as const))(
      '%s',
      async (_, row) => {
        const res = await send(ctx, row);
        expect(res.status).toBe(200);
        expect(res.headers['x-copilot-adjusted']).toBe(nameOf(row.id));
        const seen = ctx.fake.lastRequest(UPSTREAM[row.path])!;
        expect(seen.body.toString()).toBe(row.sent(row.body));
        expect(seen.headers['content-length']).toBe(String(seen.body.length));
        for (const [name, value] of Object.entries(row.sentHeaders ?? {}))
          expect(seen.headers[name]).toBe(value);
      },
    );

    it.each(['previous_response_id', 'conversation'])(
      'r3: %s is answered by the proxy with a 400 in the client’s shape; nothing goes up',
      async (field) => {
        const before = ctx.fake.requests.length;
        const res = await request(ctx.proxy.app.getHttpServer() as never)
          .post('/v1/responses')
          .set('content-type', 'application/json')
          .send(`{"model":"gpt-5-mini","${field}":"resp_1","input":"Hi"}`);
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('no_server_state');
        expect(res.body.error.message).toContain(
          'Copilot keeps no server state',
        );
        expect(ctx.fake.requests.length).toBe(before);
      },
    );
  });
});
