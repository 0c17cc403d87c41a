import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { loadShapes, Replay, replayOf } from './support/client-shapes';
import { rawRequest, RawResponse, waitFor } from './support/http-client';
import { spawnApp } from './support/spawn-app';
import { emptyConfigHome, startApp, TestApp } from './support/test-app';

const KEY = 'sk-real-client-0123456789';

/** Headers that say which tool, OS and runtime a client is: never upstream. */
const IDENTITY =
  /^(x-stainless-|x-claude-code-|x-codex-)|^(x-app|anthropic-dangerous-direct-browser-access)$/i;

describe('real clients: the recorded Claude Code and Codex sessions, replayed', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  const send = (replay: Replay, key = KEY): Promise<RawResponse> =>
    rawRequest(proxy.url + replay.url, {
      method: replay.method,
      headers: { ...replay.headers, authorization: `Bearer ${key}` },
      body: replay.body,
    });
  const upstreamOf = (path: string) => fake.lastRequest(path)!;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      PROXY_API_KEYS: KEY,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  it("answers Claude Code's keyless HEAD / itself, and never forwards it", async () => {
    const [head] = loadShapes('cc-say-hi');
    const before = fake.requests.length;
    const res = await rawRequest(proxy.url + head.url, {
      method: 'HEAD',
      headers: replayOf(head).headers,
    });
    expect(res.status).toBe(200);
    expect(fake.requests.length).toBe(before);
    const page = await rawRequest(proxy.url + '/');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.body.toString();
    for (const link of ['/usage', '/readyz', '/dashboard']) {
      expect(html).toContain(`href="${link}"`);
    }
    // The dashboard it links to, with or without a trailing slash.
    for (const path of ['/dashboard', '/dashboard/']) {
      const dashboard = await rawRequest(proxy.url + path);
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers['content-type']).toMatch(/^text\/html/);
    }
    expect(html).not.toContain('test-copilot-token');
    const json = await request(proxy.app.getHttpServer())
      .get('/')
      .set('accept', 'application/json');
    expect(json.body).toMatchObject({
      name: 'copilot-proxy',
      token: { ready: true },
      keys: 'on',
    });
    // Anything but GET/HEAD on the proxy's own paths stays here too.
    const post = await rawRequest(proxy.url + '/', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(fake.requests.length).toBe(before);
  });

  it("answers Claude Code 2.1.332's keyless HEAD /api/hello itself, and never forwards it", async () => {
    const [hello] = loadShapes('cc-2.1.332-say-hi');
    expect(hello.url).toBe('/api/hello');
    const before = fake.requests.length;
    const head = await rawRequest(proxy.url + hello.url, {
      method: hello.method,
      headers: replayOf(hello).headers,
    });
    expect(head.status).toBe(200);
    const get = await rawRequest(proxy.url + '/api/hello');
    expect(get.status).toBe(200);
    expect(JSON.parse(get.body.toString())).toMatchObject({
      name: 'copilot-proxy',
    });
    const post = await rawRequest(proxy.url + '/api/hello', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: '{}',
    });
    expect(post.status).toBe(405);
    expect(fake.requests.length).toBe(before);
  });

  it('sends a main turn as a person’s, with the editor identity upstream', async () => {
    const [, turn] = loadShapes('cc-say-hi');
    const res = await send(replayOf(turn));
    expect(res.status).toBe(200);
    const seen = upstreamOf('/v1/messages');
    expect(seen.url).toBe('/v1/messages?beta=true');
    expect(seen.headers['x-initiator']).toBe('user');
    expect(seen.headers['user-agent']).toBe('GitHubCopilotChat/0.52.0');
    expect(seen.headers['editor-version']).toBe('vscode/1.124.2');
    expect(seen.headers['anthropic-version']).toBe('2023-06-01');
    // Only the betas Copilot takes (compat rule M1).
    expect(seen.headers['anthropic-beta']).toBe(
      'interleaved-thinking-2025-05-14,context-management-2025-06-27',
    );
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0);
    expect(names.filter((n) => IDENTITY.test(n))).toEqual([]);
  });

  it("sends a sub-agent's call as the agent's, marked conversation-subagent", async () => {
    const [, , subagent] = loadShapes('cc-subagent');
    await send(replayOf(subagent));
    const seen = upstreamOf('/v1/messages');
    expect(seen.headers['x-initiator']).toBe('agent');
    expect(seen.headers['x-interaction-type']).toBe('conversation-subagent');
    expect(seen.headers['x-claude-code-agent-id']).toBeUndefined();
  });

  it('sends a session-title call as the agent’s', async () => {
    const [title] = loadShapes('cc-interactive');
    await send(replayOf(title));
    const seen = upstreamOf('/v1/messages');
    expect(seen.headers['x-initiator']).toBe('agent');
    expect(seen.headers['x-interaction-type']).toBe('conversation-agent');
  });

  it('keeps the client’s own X-Initiator', async () => {
    const [, turn] = loadShapes('cc-say-hi');
    const replay = replayOf(turn);
    await send({
      ...replay,
      headers: { ...replay.headers, 'X-Initiator': 'agent' },
    });
    expect(upstreamOf('/v1/messages').headers['x-initiator']).toBe('agent');
  });

  it('answers count_tokens (the fake has no such endpoint) with an estimate', async () => {
    const shapes = loadShapes('cc-interactive');
    const res = await send(replayOf(shapes[5]));
    expect(res.status).toBe(200);
    expect(res.headers['x-token-count-estimate']).toBe('o200k_base');
    expect(JSON.parse(res.body.toString()).input_tokens).toBeGreaterThan(0);
  });

  it("sends a Codex turn as a person's, without its installation id", async () => {
    const [turn] = loadShapes('codex-say-hi');
    const res = await send(replayOf(turn, { model: 'gpt-5.1-codex' }));
    expect(res.status).toBe(200);
    const seen = upstreamOf('/responses');
    expect(seen.headers['x-initiator']).toBe('user');
    expect(seen.headers['x-codex-turn-metadata']).toBeUndefined();
    expect(seen.headers['user-agent']).toBe('GitHubCopilotChat/0.52.0');
    expect(seen.rawHeaders.join('\n')).not.toContain('installation_id');
  });

  it("sends Codex's compaction and thread-title calls as the agent's", async () => {
    const [, compaction] = loadShapes('codex-compaction');
    await send(replayOf(compaction, { model: 'gpt-5.1-codex' }));
    let seen = upstreamOf('/responses');
    expect(seen.headers['x-initiator']).toBe('agent');
    expect(seen.headers['x-interaction-type']).toBe('conversation-compaction');
    const [, title] = loadShapes('codex-tui-title');
    await send(replayOf(title, { model: 'gpt-5.1-codex' }));
    seen = upstreamOf('/responses');
    expect(seen.headers['x-initiator']).toBe('agent');
    const metrics = (await request(proxy.app.getHttpServer()).get('/metrics'))
      .text;
    for (const reason of ['subagent', 'title', 'compaction', 'thread-title']) {
      expect(metrics).toMatch(
        new RegExp(
          `copilot_proxy_initiator_total\\{initiator="agent",reason="${reason}"\\} [1-9]`,
        ),
      );
    }
  });

  it('translates a Codex turn for a chat-only model', async () => {
    const [turn] = loadShapes('codex-tool-loop');
    const res = await send(replayOf(turn, { model: 'gemini-2.5-pro' }));
    expect(res.status).toBe(200);
    expect(res.headers['x-copilot-bridge']).toBe('responses->chat');
    const body = res.body.toString();
    expect(body).toContain('event: response.output_item.done');
    expect(body).toContain('event: response.completed');
    // web_search has no place on chat: left out, and said so.
    expect(res.headers['x-bridge-ignored']).toMatch(/web_search/);
  });

  it('tells the SDKs not to retry a wrong key, and stops a keyless burst from locking anyone out', async () => {
    const wrong = await rawRequest(proxy.url + '/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': 'sk-wrong-key-000000000' },
      body: '{}',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['x-should-retry']).toBe('false');
    expect(JSON.parse(wrong.body.toString())).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    // 30 keyless requests (Claude Code's start-up HEAD / and the like) …
    for (let i = 0; i < 30; i++) {
      const res = await rawRequest(proxy.url + '/v1/models', {
        method: 'HEAD',
      });
      expect(res.status).toBe(401);
    }
    // … and a valid key still gets through.
    const ok = await rawRequest(proxy.url + '/v1/models', {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(ok.status).toBe(200);
  });

  it('answers /v1/v1/… with a 400 Claude Code prints, in the client’s shape, saying what to fix', async () => {
    const res = await rawRequest(proxy.url + '/v1/v1/messages?beta=true', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    // Claude Code turns any 404 here into "There's an issue with the selected model".
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body.toString());
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain(
      'ANTHROPIC_BASE_URL must not end in /v1',
    );
  });
});

describe('real clients: a quota 429 far from its reset says not to retry', () => {
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    const dir = mkdtempSync(join(tmpdir(), 'copilot-keys-'));
    const file = join(dir, 'keys.yaml');
    writeFileSync(
      file,
      `keys:\n  - name: tiny\n    key: ${KEY}\n    quota: { period: month, tokens: 1 }\n`,
    );
    proxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      PROXY_KEYS_FILE: file,
    });
  });
  afterAll(async () => {
    await proxy.close();
    await fake.stop();
  });

  it('sends x-should-retry: false on a quota 429 whose reset is more than a minute away', async () => {
    const ask = () =>
      request(proxy.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${KEY}`)
        .set('content-type', 'application/json')
        .send({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect((await ask()).status).toBe(200);
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
    expect(refused.headers['x-should-retry']).toBe('false');
  });
});

describe('real clients: the fingerprint Copilot answers 466 to', () => {
  let fake: FakeCopilotApi;
  beforeAll(async () => {
    fake = await new FakeCopilotApi({
      minEditorVersion: 'vscode/1.110.0',
    }).start();
  });
  afterAll(() => fake.stop());

  it('passes the 466 on, counts it, and warns naming the settings', async () => {
    const app = await spawnApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
      XDG_CONFIG_HOME: emptyConfigHome(),
      COPILOT_EDITOR_VERSION: 'vscode/1.104.3',
      COPILOT_CHAT_VERSION: '0.26.7',
    });
    try {
      const res = await rawRequest(app.url + '/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      });
      expect(res.status).toBe(466);
      expect(res.body.toString()).toContain('no longer supported');
      await waitFor(() => app.stdout().includes('COPILOT_EDITOR_VERSION'));
      expect(app.stdout()).toContain('COPILOT_CHAT_VERSION');
      const metrics = await rawRequest(app.url + '/metrics');
      expect(metrics.body.toString()).toMatch(
        /^copilot_proxy_upstream_version_rejections_total [1-9]/m,
      );
    } finally {
      app.proc.kill('SIGKILL');
    }
  });

  it('works with the default fingerprint, and refuses a malformed one at start', async () => {
    const app = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: fake.url,
    });
    try {
      const res = await request(app.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
    await expect(
      startApp({
        COPILOT_TOKEN: 'x',
        COPILOT_EDITOR_VERSION: 'vscode',
        COPILOT_API_VERSION: 'June',
      }),
    ).rejects.toThrow(
      /COPILOT_EDITOR_VERSION must look like vscode\/1.124.2[\s\S]*COPILOT_API_VERSION/,
    );
  });
});
