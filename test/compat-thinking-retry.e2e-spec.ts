import request from 'supertest';
import type { FakeCopilotApi } from './support/fake-copilot-api';
import { useFakeAndProxy } from './support/test-app';

/**
 * M10 (issue 26 item 4): a tool loop whose history carries a thinking block
 * Copilot cannot verify (another backend's signature) is sent once more
 * without the history's thinking, instead of ending on Copilot's 400.
 */
function env(extra: Record<string, string> = {}) {
  return (fake: FakeCopilotApi) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
    ...extra,
  });
}

/** Claude Code's second turn of a tool loop, its thinking signed elsewhere. */
const LOOP = JSON.stringify({
  model: 'claude-sonnet-4.5',
  max_tokens: 256,
  thinking: { type: 'enabled', budget_tokens: 1024 },
  messages: [
    { role: 'user', content: 'List the files' },
    {
      role: 'assistant',
      content: [
        {
          type: 'thinking',
          thinking: 'I should call ls.',
          signature: 'EqQBCkYIBxgCKkDsignedByAnotherBackend',
        },
        { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'a.ts' },
      ],
    },
  ],
});

function send(ctx: { proxy: { app: { getHttpServer(): unknown } } }) {
  return request(ctx.proxy.app.getHttpServer() as never)
    .post('/v1/messages')
    .set('content-type', 'application/json')
    .send(LOOP);
}

describe('a thinking block Copilot cannot verify (M10)', () => {
  describe('with the rule on (the default)', () => {
    const ctx = useFakeAndProxy(env(), { strict: {} });

    it('is answered by the same turn sent once more without the history thinking, named thinking-replay', async () => {
      const before = ctx.fake.requests.length;
      const res = await send(ctx);
      expect(res.status).toBe(200);
      expect(res.body.type).toBe('message');
      expect(String(res.headers['x-copilot-adjusted']).split(',')).toContain(
        'thinking-replay',
      );
      const sent = ctx.fake.requests
        .slice(before)
        .filter((r) => r.url.startsWith('/v1/messages'));
      expect(sent).toHaveLength(2);
      expect(sent[0].body.toString()).toContain('signedByAnotherBackend');
      const again = JSON.parse(sent[1].body.toString());
      // The last assistant turn lost its thinking: thinking is off for this one call.
      expect(again.thinking).toBeUndefined();
      expect(again.messages[1].content).toEqual([
        { type: 'tool_use', id: 'toolu_1', name: 'ls', input: {} },
      ]);
      expect(again.messages[2]).toEqual(JSON.parse(LOOP).messages[2]);
    });
  });

  describe('with COMPAT_RULES=-m10r', () => {
    const ctx = useFakeAndProxy(env({ COMPAT_RULES: '-m10r' }), {
      strict: {},
    });

    it("passes Copilot's refusal on", async () => {
      const res = await send(ctx);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(
        'Invalid signature in thinking block',
      );
    });
  });
});
