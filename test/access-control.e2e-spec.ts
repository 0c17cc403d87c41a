import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest } from './support/http-client';
import { spawnApp } from './support/spawn-app';
import { emptyConfigHome, useStaticFakeAndProxy } from './support/test-app';

const TOKEN = 'test-copilot-token';
const KEY_1 = 'team-key-one-0123456789';
const KEY_2 = 'team-key-two-9876543210';

describe('access control: client API keys', () => {
  const ctx = useStaticFakeAndProxy({ PROXY_API_KEYS: `${KEY_1}, ${KEY_2}` });
  const server = () => ctx.proxy.app.getHttpServer();

  it('refuses a request without a key: 401, WWW-Authenticate, OpenAI-style JSON, nothing forwarded', async () => {
    const before = ctx.fake.requests.length;
    const res = await request(server())
      .post('/v1/chat/completions')
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="copilot-proxy"',
    );
    expect(res.body).toEqual({
      error: {
        message:
          'Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
        type: 'authentication_error',
        code: 'unauthorized',
      },
    });
    expect(ctx.fake.requests.length).toBe(before);
  });

  it('refuses a wrong key, and a key that is only a prefix of a real one', async () => {
    for (const key of ['wrong-key', KEY_1.slice(0, 10), `${KEY_1}x`]) {
      const res = await request(server())
        .get('/models')
        .set('Authorization', `Bearer ${key}`);
      expect(res.status).toBe(401);
      expect(res.body.error.message).toBe('Invalid API key');
      expect(res.text).not.toContain(key);
    }
  });

  it('accepts a key as Authorization: Bearer (OpenAI style) and as x-api-key (Anthropic style)', async () => {
    const bearer = await request(server())
      .get('/models')
      .set('Authorization', `Bearer ${KEY_1}`);
    expect(bearer.status).toBe(200);
    const apiKey = await request(server())
      .post('/v1/messages')
      .set('x-api-key', KEY_2)
      .set('Content-Type', 'application/json')
      .send('{}');
    expect(apiKey.status).toBe(200);
  });

  it('never forwards the client key upstream', async () => {
    await request(server())
      .get('/_test/echo')
      .set({ authorization: `Bearer ${KEY_1}`, 'x-api-key': KEY_2 });
    const seen = ctx.fake.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(JSON.stringify(seen.rawHeaders)).not.toMatch(/team-key/);
  });

  it('leaves probes and metrics open', async () => {
    expect((await request(server()).get('/healthz')).status).toBe(200);
    expect((await request(server()).get('/readyz')).status).toBe(200);
    expect((await request(server()).get('/metrics')).status).toBe(200);
  });
});

describe('access control: keys in logs, and safe binding', () => {
  let fake: FakeCopilotApi;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());

  it('never logs a client key, accepted or refused', async () => {
    const app = await spawnApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_API_KEYS: KEY_1,
      LOG_LEVEL: 'trace',
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
    try {
      await rawRequest(app.url + '/models', {
        headers: { authorization: `Bearer ${KEY_1}` },
      });
      await rawRequest(app.url + '/models', {
        headers: { 'x-api-key': 'refused-key-value' },
      });
      await new Promise((r) => setTimeout(r, 200));
      const logs = app.stdout() + app.stderr();
      expect(logs).toContain('"statusCode":401');
      expect(logs).not.toContain(KEY_1);
      expect(logs).not.toContain('refused-key-value');
      expect(logs).not.toContain(TOKEN);
    } finally {
      app.proc.kill('SIGKILL');
    }
  });

  it('refuses to start on a non-loopback HOST without keys, naming both variables', async () => {
    const app = await spawnApp(
      {
        COPILOT_TOKEN: TOKEN,
        HOST: '0.0.0.0',
        XDG_CONFIG_HOME: emptyConfigHome(),
      },
      { waitForListen: false },
    );
    expect((await app.exited).code).not.toBe(0);
    expect(app.stderr()).toContain('PROXY_API_KEYS');
    expect(app.stderr()).toContain('PROXY_ALLOW_ANONYMOUS');
  });

  it('starts on a non-loopback HOST with PROXY_ALLOW_ANONYMOUS=true, with a warning', async () => {
    const app = await spawnApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      HOST: '0.0.0.0',
      PROXY_ALLOW_ANONYMOUS: 'true',
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
    try {
      const port = new URL(app.url).port;
      expect((await rawRequest(`http://127.0.0.1:${port}/models`)).status).toBe(
        200,
      );
      expect(app.stdout()).toMatch(/"level":40.*PROXY_ALLOW_ANONYMOUS=true/);
    } finally {
      app.proc.kill('SIGKILL');
    }
  });

  it('starts on a non-loopback HOST when keys are set', async () => {
    const app = await spawnApp({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      HOST: '0.0.0.0',
      PROXY_API_KEYS: KEY_1,
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
    try {
      const port = new URL(app.url).port;
      expect((await rawRequest(`http://127.0.0.1:${port}/models`)).status).toBe(
        401,
      );
    } finally {
      app.proc.kill('SIGKILL');
    }
  });
});
