import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';

import { rawRequest } from './support/http-client';
import { useStaticFakeAndProxy } from './support/test-app';

const TOKEN = 'test-copilot-token';

describe('proxy forwarding (requests and responses)', () => {
  const ctx = useStaticFakeAndProxy();

  interface Echo {
    method: string;
    url: string;
    rawHeaders: string[];
    bodyLength: number;
    bodySha256: string;
  }
  const server = () => ctx.proxy.app.getHttpServer();
  /**
   * What the fake received for a GET of `/_test/echo` with `headers`. superagent's
   * default `Accept-Encoding` is unset, so the proxy gets only what the test gives.
   */
  const echo = async (headers: Record<string, string> = {}) => {
    const res = await request(server())
      .get('/_test/echo')
      .unset('Accept-Encoding')
      .set(headers);
    expect(res.status).toBe(200);
    return res.body as Echo;
  };
  /**
   * The same over a raw socket, for requests superagent would alter: raw header
   * case, Host and Connection, no Content-Type, byte-exact targets, big bodies.
   */
  const rawEcho = async (
    path: string,
    init: Parameters<typeof rawRequest>[1] = {},
  ) => {
    const res = await rawRequest(ctx.proxy.url + path, init);
    expect(res.status).toBe(200);
    return JSON.parse(res.body.toString()) as Echo;
  };
  const headerMap = (raw: string[]) => {
    const map = new Map<string, string[]>();
    for (let i = 0; i < raw.length; i += 2) {
      const key = raw[i].toLowerCase();
      map.set(key, [...(map.get(key) ?? []), raw[i + 1]]);
    }
    return map;
  };

  it('injects the Copilot token and removes the client credentials', async () => {
    const seen = await echo({
      authorization: 'Bearer client-secret-key',
      'x-api-key': 'anthropic-style-key',
    });
    const headers = headerMap(seen.rawHeaders);
    expect(headers.get('authorization')).toEqual([`Bearer ${TOKEN}`]);
    expect(headers.has('x-api-key')).toBe(false);
    expect(seen.rawHeaders.join('\n')).not.toContain('client-secret-key');
  });

  it('drops hop-by-hop headers, keeps end-to-end ones, and sets the upstream Host', async () => {
    const seen = await rawEcho('/_test/echo', {
      headers: {
        connection: 'keep-alive, X-Private-Hop',
        'x-private-hop': 'secret-hop',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic abc',
        'proxy-connection': 'keep-alive',
        te: 'gzip',
        upgrade: 'websocket',
        host: 'client-chosen-host.example',
        'X-Custom-Header': 'Kept',
        'anthropic-version': '2023-06-01',
      },
    });
    const headers = headerMap(seen.rawHeaders);
    for (const dropped of [
      'x-private-hop',
      'keep-alive',
      'proxy-authorization',
      'proxy-connection',
      'te',
      'upgrade',
    ]) {
      expect(headers.has(dropped)).toBe(false);
    }
    expect(headers.get('host')).toEqual([new URL(ctx.fake.url).host]);
    expect(headers.get('x-custom-header')).toEqual(['Kept']);
    expect(seen.rawHeaders).toContain('X-Custom-Header');
    expect(headers.get('anthropic-version')).toEqual(['2023-06-01']);
  });

  it('keeps TE: trailers, the one end-to-end use of TE', async () => {
    const seen = await echo({ te: 'trailers' });
    expect(headerMap(seen.rawHeaders).get('te')).toEqual(['trailers']);
  });

  it('adds the Copilot integration headers only when the client did not send them', async () => {
    const added = headerMap((await echo()).rawHeaders);
    expect(added.get('editor-version')).toEqual(['vscode/1.124.2']);
    expect(added.get('editor-plugin-version')).toEqual(['copilot-chat/0.52.0']);
    expect(added.get('copilot-integration-id')).toEqual(['vscode-chat']);
    expect(added.get('user-agent')).toEqual(['GitHubCopilotChat/0.52.0']);
    expect(added.get('x-github-api-version')).toEqual(['2026-06-01']);
    // axios adds neither Accept nor Accept-Encoding of its own.
    expect(added.has('accept')).toBe(false);
    expect(added.has('accept-encoding')).toBe(false);

    const kept = headerMap(
      (
        await echo({
          'editor-version': 'Neovim/0.10.0',
          'user-agent': 'my-agent/1.0',
        })
      ).rawHeaders,
    );
    expect(kept.get('editor-version')).toEqual(['Neovim/0.10.0']);
    // The client's User-Agent stays home (SPEC §12): upstream sees the editor's.
    expect(kept.get('user-agent')).toEqual(['GitHubCopilotChat/0.52.0']);
  });

  it("adds Copilot's base headers (§8.1): intent, the agent task id, one device id, the fetch library", async () => {
    const first = headerMap((await echo()).rawHeaders);
    const second = headerMap((await echo()).rawHeaders);
    expect(first.get('openai-intent')).toEqual(['conversation-agent']);
    expect(first.get('x-interaction-type')).toEqual(['conversation-agent']);
    expect(first.get('x-agent-task-id')).toEqual(first.get('x-request-id'));
    expect(first.get('x-vscode-user-agent-library-version')).toEqual([
      'electron-fetch',
    ]);
    expect(first.get('editor-device-id')?.[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(second.get('editor-device-id')).toEqual(
      first.get('editor-device-id'),
    );
    expect(second.get('x-agent-task-id')).not.toEqual(
      first.get('x-agent-task-id'),
    );
    // The start-up model list was asked for as VS Code asks for it.
    const models = ctx.fake.requests.find((r) => r.url === '/models')!;
    expect(models.headers['openai-intent']).toBe('model-access');
    expect(models.headers['x-interaction-type']).toBe('model-access');
  });

  it('adds no Content-Type, Accept or Accept-Encoding the client did not send', async () => {
    const seen = await rawEcho('/_test/echo', {
      method: 'POST',
      body: 'raw bytes',
    });
    const headers = headerMap(seen.rawHeaders);
    expect(headers.has('content-type')).toBe(false);
    expect(headers.has('accept')).toBe(false);
    expect(headers.has('accept-encoding')).toBe(false);
    expect(headers.get('content-length')).toEqual(['9']);
  });

  it('forwards the request id upstream', async () => {
    const seen = await echo({ 'x-request-id': 'trace-abc-123' });
    expect(headerMap(seen.rawHeaders).get('x-request-id')).toEqual([
      'trace-abc-123',
    ]);
  });

  it('sends the path and the raw query byte for byte, any method', async () => {
    // Dot segments and the like are refused (quotas-hold spec); the query is free.
    const target =
      '/_test/echo/a%20b/%E2%9C%93/d;p=1?x=1&y=%20z&y=2&empty=&plus=a+b&enc=%E2%9C%93&odd=%zz&q=/./../?%23&s=a//b';
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const seen = await rawEcho(target, {
        method,
        body: method === 'GET' ? undefined : '{}',
      });
      expect(seen.method).toBe(method);
      expect(seen.url).toBe(target);
    }
  });

  it.each([
    ['/v1/chat/completions', '/chat/completions'],
    ['/v1/models', '/models'],
    ['/v1/embeddings', '/embeddings'],
    ['/v1/responses', '/responses'],
    ['/v1/models/gpt-4o?x=1', '/models/gpt-4o?x=1'],
    ['/v1/messages', '/v1/messages'],
    ['/v1/other', '/v1/other'],
    ['/chat/completions', '/chat/completions'],
  ])('maps %s to %s upstream', async (path, expected) => {
    // gpt-5-mini is served on all three APIs: no path gets a model refusal.
    await request(server())
      .post(path)
      .set('Content-Type', 'application/json')
      .send('{"model":"gpt-5-mini","input":"x"}');
    expect(ctx.fake.requests.at(-1)!.url).toBe(expected);
  });

  it('pipes a 12 MiB body upstream byte-identical', async () => {
    const body = randomBytes(12 * 1024 * 1024);
    const seen = await rawEcho('/_test/echo', {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
      },
      body,
    });
    expect(seen.bodyLength).toBe(body.length);
    expect(seen.bodySha256).toBe(
      createHash('sha256').update(body).digest('hex'),
    );
  });

  it('never re-serialises JSON: duplicate keys and spacing arrive as sent', async () => {
    const body =
      '{"model":"gpt-4o",  "model":"gpt-4.1","messages":[{"role":"user","content":"h\\u00e9"}] , "n":1.0}';
    // A string body goes out as given: superagent serialises only objects.
    await request(server())
      .post('/_test/echo')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(ctx.fake.requests.at(-1)!.body.toString('utf8')).toBe(body);
  });

  it('pipes a chunked request body', async () => {
    const { request } = await import('node:http');
    const result = await new Promise<string>((resolve, reject) => {
      const req = request(
        ctx.proxy.url + '/_test/echo',
        { method: 'POST' },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.write('part-one,');
      setTimeout(() => req.end('part-two'), 20);
    });
    expect(JSON.parse(result).bodyLength).toBe('part-one,part-two'.length);
    expect(ctx.fake.requests.at(-1)!.body.toString()).toBe('part-one,part-two');
  });

  it('passes upstream errors through verbatim: status, headers and body', async () => {
    const json = await request(server())
      .post('/_test/status/429')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(json.status).toBe(429);
    expect(json.headers['retry-after']).toBe('7');
    expect(json.text).toBe(
      '{"error":{"message":"fake failure 429","code":"fake_code"}}',
    );

    const text = await request(server()).get('/_test/status/503?text');
    expect(text.status).toBe(503);
    expect(text.headers['content-type']).toBe('text/plain');
    expect(text.text).toBe('plain failure 503');
  });

  it('passes a 401 from the upstream through in static mode', async () => {
    ctx.fake.copilotTokens.delete(TOKEN);
    try {
      // A path the proxy does not cache, so the request meets the upstream.
      const res = await request(server()).get('/_test/echo');
      expect(res.status).toBe(401);
      expect(res.text).toBe('unauthorized: token expired');
    } finally {
      ctx.fake.copilotTokens.add(TOKEN);
    }
  });

  it('removes hop-by-hop response headers and keeps the rest as sent', async () => {
    const res = await rawRequest(ctx.proxy.url + '/_test/headers', {
      headers: { 'x-request-id': 'mine-42' },
    });
    const headers = headerMap(res.rawHeaders);
    expect(headers.has('x-hop-header')).toBe(false);
    expect(headers.has('proxy-authenticate')).toBe(false);
    expect(headers.has('upgrade')).toBe(false);
    expect(headers.get('set-cookie')).toEqual(['a=1', 'b=2']);
    expect(res.rawHeaders).toContain('X-Custom-Case');
    expect(headers.get('x-request-id')).toEqual(['mine-42']);
    expect(headers.has('x-powered-by')).toBe(false);
    expect(res.body.toString()).toBe('{"ok":true}');
  });

  it('streams a large response body unchanged', async () => {
    const res = await rawRequest(ctx.proxy.url + '/_test/bytes/5000000');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('5000000');
    expect(res.body.length).toBe(5_000_000);
    expect(res.body.every((byte, i) => byte === i % 251)).toBe(true);
  });

  it('answers /healthz itself and never forwards it', async () => {
    const before = ctx.fake.requests.length;
    const res = await request(server()).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(ctx.fake.requests.length).toBe(before);
  });

  it('serves the real endpoints: models, embeddings, Anthropic messages', async () => {
    const models = await request(server()).get('/v1/models');
    expect(models.body.data[0].id).toBe('gpt-4o');
    const embeddings = await request(server())
      .post('/v1/embeddings')
      .send({ input: ['a', 'b'], model: 'text-embedding-3-small' });
    expect(embeddings.body.data).toHaveLength(2);
    const messages = await request(server())
      .post('/v1/messages')
      .set({ 'x-api-key': 'sk-ant-client', 'anthropic-version': '2023-06-01' })
      .send({ model: 'claude-sonnet-4', max_tokens: 10, messages: [] });
    expect(messages.status).toBe(200);
    expect(messages.body.type).toBe('message');
  });
});
