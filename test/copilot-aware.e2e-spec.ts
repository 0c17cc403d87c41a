import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { BodyBuffers } from '../src/inspection/body-buffers';
import type { RecordedRequest } from './support/fake-copilot-api';
import { rawRequest, waitFor } from './support/http-client';
import { spawnApp } from './support/spawn-app';
import {
  emptyConfigHome,
  useDynamicFakeAndProxy,
  useStaticFakeAndProxy,
} from './support/test-app';

const TOKEN = 'test-copilot-token';
const sha256 = (bytes: Buffer | string) =>
  createHash('sha256').update(bytes).digest('hex');

const CHAT_QUESTION = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is in /tmp?' },
  ],
};
const CHAT_TOOL_RESULT = {
  model: 'gpt-4o',
  messages: [
    { role: 'user', content: 'What is in /tmp?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'ls', arguments: '{"path":"/tmp"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: 'a.txt\nb.txt' },
  ],
};
const CHAT_IMAGE = {
  model: 'gpt-4o',
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ],
    },
  ],
};
const MESSAGES_TOOL_RESULT = {
  model: 'claude-sonnet-4',
  max_tokens: 100,
  messages: [
    { role: 'user', content: 'List /tmp' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'tu_1', name: 'ls', input: {} }],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'tu_1', content: 'a.txt' }],
    },
  ],
};
const MESSAGES_TOOL_RESULT_AND_TEXT = {
  ...MESSAGES_TOOL_RESULT,
  messages: [
    ...MESSAGES_TOOL_RESULT.messages.slice(0, 2),
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'tu_1', content: 'a.txt' },
        { type: 'text', text: 'Now delete it.' },
      ],
    },
  ],
};
const MESSAGES_IMAGE = {
  model: 'claude-sonnet-4',
  max_tokens: 100,
  messages: [
    {
      role: 'user',
      content: [
        {
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: 'AAAA' },
        },
        { type: 'text', text: 'Describe.' },
      ],
    },
  ],
};
const RESPONSES_STRING = { model: 'gpt-4.1', input: 'Hello' };
const RESPONSES_TOOL_OUTPUT = {
  model: 'gpt-4.1',
  input: [
    { type: 'message', role: 'user', content: 'Weather?' },
    { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{}' },
    { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
  ],
};
const RESPONSES_IMAGE = {
  model: 'gpt-4.1',
  input: [
    {
      role: 'user',
      content: [
        { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
      ],
    },
  ],
};

const lastTo = (requests: RecordedRequest[], path: string) =>
  requests.filter((r) => r.url === path).at(-1)!;

describe('Copilot-aware requests: X-Initiator and vision', () => {
  const ctx = useStaticFakeAndProxy();

  it.each([
    ['/v1/chat/completions', '/chat/completions', CHAT_QUESTION, 'user', false],
    [
      '/chat/completions',
      '/chat/completions',
      CHAT_TOOL_RESULT,
      'agent',
      false,
    ],
    ['/v1/chat/completions', '/chat/completions', CHAT_IMAGE, 'user', true],
    ['/v1/messages', '/v1/messages', MESSAGES_TOOL_RESULT, 'agent', false],
    [
      '/v1/messages',
      '/v1/messages',
      MESSAGES_TOOL_RESULT_AND_TEXT,
      'user',
      false,
    ],
    ['/v1/messages', '/v1/messages', MESSAGES_IMAGE, 'user', true],
    ['/v1/responses', '/responses', RESPONSES_STRING, 'user', false],
    ['/responses', '/responses', RESPONSES_TOOL_OUTPUT, 'agent', false],
    ['/v1/responses', '/responses', RESPONSES_IMAGE, 'user', true],
  ])(
    'POST %s (%#): X-Initiator as the conversation says, the bytes unchanged',
    async (path, upstreamPath, body, initiator, vision) => {
      // Odd spacing and key order: the bytes must arrive exactly as sent.
      const text = JSON.stringify(body, null, 1).replace(
        '"model"',
        '  "model"',
      );
      const res = await request(ctx.proxy.app.getHttpServer())
        .post(path)
        .set('content-type', 'application/json')
        .send(text);
      expect(res.status).toBe(200);
      const seen = lastTo(ctx.fake.requests, upstreamPath);
      expect(seen.headers['x-initiator']).toBe(initiator);
      expect(seen.headers['copilot-vision-request']).toBe(
        vision ? 'true' : undefined,
      );
      expect(sha256(seen.body)).toBe(sha256(text));
      expect(seen.headers['content-length']).toBe(
        String(Buffer.byteLength(text)),
      );
    },
  );

  it("keeps the client's own X-Initiator and vision header", async () => {
    await request(ctx.proxy.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .set('X-Initiator', 'agent')
      .set('Copilot-Vision-Request', 'false')
      .send(JSON.stringify(CHAT_IMAGE));
    const seen = lastTo(ctx.fake.requests, '/chat/completions');
    expect(seen.headers['x-initiator']).toBe('agent');
    expect(seen.headers['copilot-vision-request']).toBe('false');
  });

  it('sends a chunked body upstream with a Content-Length', async () => {
    const { hostname, port } = new URL(ctx.proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: hostname,
          port: Number(port),
          path: '/chat/completions',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      const text = JSON.stringify(CHAT_TOOL_RESULT);
      req.write(text.slice(0, 20));
      setTimeout(() => req.end(text.slice(20)), 20);
    });
    expect(status).toBe(200);
    const seen = lastTo(ctx.fake.requests, '/chat/completions');
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    expect(seen.headers['content-length']).toBe(
      String(JSON.stringify(CHAT_TOOL_RESULT).length),
    );
    expect(seen.headers['x-initiator']).toBe('agent');
  });

  it('sends a body that is not JSON as it is, with nothing inferred', async () => {
    const text = '{"model":"gpt-4o","messages":[{"role":"user"'; // cut short
    const res = await rawRequest(ctx.proxy.url + '/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    expect(res.status).toBe(400); // the fake's own answer to broken JSON
    const seen = lastTo(ctx.fake.requests, '/chat/completions');
    expect(seen.body.toString()).toBe(text);
    expect(seen.headers['x-initiator']).toBeUndefined();
  });

  it('streams a 40 MiB body through untouched, with nothing inferred', async () => {
    const big = randomBytes(40 * 1024 * 1024);
    await rawRequest(ctx.proxy.url + '/v1/chat/completions', {
      method: 'POST',
      body: big,
    });
    const seen = lastTo(ctx.fake.requests, '/chat/completions');
    expect(seen.body.length).toBe(big.length);
    expect(sha256(seen.body)).toBe(sha256(big));
    expect(seen.headers['x-initiator']).toBeUndefined();
  });

  it('leaves other paths and methods alone', async () => {
    await rawRequest(ctx.proxy.url + '/_test/echo', {
      method: 'POST',
      body: JSON.stringify(CHAT_QUESTION),
    });
    expect(ctx.fake.requests.at(-1)!.headers['x-initiator']).toBeUndefined();
  });

  it('counts initiators in Prometheus', async () => {
    const metrics = await request(ctx.proxy.app.getHttpServer()).get(
      '/metrics',
    );
    expect(metrics.text).toMatch(
      /^copilot_proxy_initiator_total\{initiator="agent",reason="[a-z-]+"\} [1-9]/m,
    );
    expect(metrics.text).toMatch(
      /^copilot_proxy_initiator_total\{initiator="user",reason="[a-z-]+"\} [1-9]/m,
    );
    expect(metrics.text).toMatch(
      /^copilot_proxy_initiator_total\{initiator="client",reason="[a-z-]+"\} [1-9]/m,
    );
    expect(metrics.text).toMatch(
      /^copilot_proxy_initiator_total\{initiator="none",reason="[a-z-]+"\} [1-9]/m,
    );
  });

  it('answers count_tokens itself, marked as an estimate, when the upstream has none', async () => {
    const res = await request(ctx.proxy.app.getHttpServer())
      .post('/v1/messages/count_tokens')
      .set('content-type', 'application/json')
      .send(JSON.stringify(MESSAGES_TOOL_RESULT_AND_TEXT));
    expect(res.status).toBe(200);
    expect(res.headers['x-token-count-estimate']).toBe('o200k_base');
    expect(res.body.input_tokens).toBeGreaterThan(5);
    // It was forwarded first.
    expect(
      lastTo(ctx.fake.requests, '/v1/messages/count_tokens').body.toString(),
    ).toBe(JSON.stringify(MESSAGES_TOOL_RESULT_AND_TEXT));
  });
});

describe('Copilot-aware requests: COPILOT_INITIATOR=passthrough', () => {
  const ctx = useStaticFakeAndProxy({ COPILOT_INITIATOR: 'passthrough' });

  it('adds nothing', async () => {
    await request(ctx.proxy.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .send(JSON.stringify(CHAT_IMAGE));
    const seen = lastTo(ctx.fake.requests, '/chat/completions');
    expect(seen.headers['x-initiator']).toBeUndefined();
    expect(seen.headers['copilot-vision-request']).toBeUndefined();
  });
});

describe('Copilot-aware requests: the 401 retry', () => {
  const ctx = useDynamicFakeAndProxy();
  it('replays the same bytes with the same headers', async () => {
    ctx.fake.revokeCopilotTokens();
    const text = JSON.stringify(CHAT_TOOL_RESULT);
    const res = await request(ctx.proxy.app.getHttpServer())
      .post('/v1/chat/completions')
      .set('content-type', 'application/json')
      .send(text);
    expect(res.status).toBe(200);
    const attempts = ctx.fake.requests.filter(
      (r) => r.url === '/chat/completions',
    );
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.headers['x-initiator']).toBe('agent');
      expect(attempt.body.toString()).toBe(text);
    }
    expect(attempts[0].headers.authorization).not.toBe(
      attempts[1].headers.authorization,
    );
  });
});

describe('Copilot-aware requests: the log line', () => {
  it('carries the model and the initiator', async () => {
    const { FakeCopilotApi } = await import('./support/fake-copilot-api');
    const fake = await new FakeCopilotApi().start();
    const app = await spawnApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
    try {
      await rawRequest(app.url + '/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify(CHAT_TOOL_RESULT),
      });
      await waitFor(() => app.stdout().includes('"initiator"'));
      const line = app
        .stdout()
        .split('\n')
        .find((l) => l.includes('"initiator"'))!;
      expect(JSON.parse(line)).toMatchObject({
        model: 'gpt-4o',
        initiator: 'agent',
        req: { method: 'POST', path: '/v1/chat/completions' },
      });
    } finally {
      app.proc.kill('SIGKILL');
      await fake.stop();
    }
  });
});

describe('npm run claude-code', () => {
  const ctx = useStaticFakeAndProxy({
    PROXY_API_KEYS: 'team-key-for-claude-code',
  });

  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>(
      (resolve) => {
        const child = spawn(
          process.execPath,
          [join(__dirname, '..', 'dist', 'claude-code', 'claude-code.cli.js')],
          { env: { PATH: process.env.PATH ?? '', ...env } },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => resolve({ code, out, err }));
      },
    );

  it("asks the running proxy for the account's models, with the key from PROXY_API_KEY", async () => {
    const result = await run({
      PROXY_URL: ctx.proxy.url,
      PROXY_API_KEY: 'team-key-for-claude-code',
    });
    expect(result.code).toBe(0);
    // The fake account's models: the newest Sonnet, and Haiku as the small one.
    expect(result.out).toContain(
      `export ANTHROPIC_BASE_URL=${ctx.proxy.url}\n`,
    );
    expect(result.out).toContain(
      'export ANTHROPIC_AUTH_TOKEN="${PROXY_API_KEY:?export PROXY_API_KEY=<your proxy key> first}"\n',
    );
    // Spelled as Claude Code spells them (dashes); the proxy resolves them.
    expect(result.out).toContain('export ANTHROPIC_MODEL=claude-sonnet-4-5\n');
    expect(result.out).toContain(
      'export ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5\n',
    );
    expect(result.out).not.toContain('team-key-for-claude-code');
    expect(ctx.fake.requests.at(-1)!.url).toBe('/models');
  });

  it('fails with a hint when the proxy wants a key', async () => {
    const result = await run({ PROXY_URL: ctx.proxy.url });
    expect(result.code).toBe(1);
    expect(result.err).toContain('answered 401');
    expect(result.err).toContain('export PROXY_API_KEY=<your key>');
  });
});

describe('Copilot-aware requests: bodies read whole share one memory budget', () => {
  const ctx = useStaticFakeAndProxy({ INSPECT_BUDGET_BYTES: '3000' });

  it('streams a body past the budget unread, and gives the budget back after each request', async () => {
    const buffers = ctx.proxy.app.get(BodyBuffers);
    const small = JSON.stringify(CHAT_TOOL_RESULT);
    const large = JSON.stringify({
      ...CHAT_TOOL_RESULT,
      messages: [
        { role: 'system', content: 'x'.repeat(4000) },
        ...CHAT_TOOL_RESULT.messages,
      ],
    });
    for (const [body, initiator] of [
      [small, 'agent'],
      [large, undefined],
      [small, 'agent'],
    ] as const) {
      const res = await request(ctx.proxy.app.getHttpServer())
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(200);
      const seen = lastTo(ctx.fake.requests, '/chat/completions');
      expect(seen.headers['x-initiator']).toBe(initiator);
      expect(seen.body.toString()).toBe(body);
      await waitFor(() => buffers.heldBytes === 0);
    }
  });
});
