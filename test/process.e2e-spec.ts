import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, readSse } from './support/http-client';
import { spawnApp, useSpawnedApps } from './support/spawn-app';
import { emptyConfigHome } from './support/test-app';

const TOKEN = 'test-copilot-token';

describe('the proxy as a process (dist/main.js)', () => {
  let fake: FakeCopilotApi;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());
  const start = useSpawnedApps(() => ({ XDG_CONFIG_HOME: emptyConfigHome() }));

  it('refuses to start on bad configuration, naming every bad variable in one message', async () => {
    const app = await spawnApp(
      {
        PROXY_PORT: 'abc',
        COPILOT_API_BASE_URL: 'api.example.com',
        UPSTREAM_TIMEOUT_MS: '-5',
        XDG_CONFIG_HOME: emptyConfigHome(),
      },
      { waitForListen: false },
    );
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    const message = app.stderr();
    expect(message).toContain('PROXY_PORT');
    expect(message).toContain('COPILOT_API_BASE_URL');
    expect(message).toContain('UPSTREAM_TIMEOUT_MS');
    expect(message).toContain('COPILOT_TOKEN');
    expect(message).toContain('GITHUB_TOKEN');
    expect(message).toContain('npm run login');
    expect(message.match(/Invalid configuration/g)).toHaveLength(1);
  });

  it('refuses a token given in both modes, and never prints it', async () => {
    const app = await spawnApp(
      {
        COPILOT_TOKEN: 'copilot-secret-value',
        GITHUB_TOKEN: 'gho_secretvalue',
        XDG_CONFIG_HOME: emptyConfigHome(),
      },
      { waitForListen: false },
    );
    expect((await app.exited).code).not.toBe(0);
    expect(app.stderr()).toContain(
      'COPILOT_TOKEN and GITHUB_TOKEN are both set',
    );
    expect(app.stderr() + app.stdout()).not.toMatch(
      /copilot-secret-value|gho_secretvalue/,
    );
  });

  it('logs one line per request with its id, echoes X-Request-Id, and never logs a secret', async () => {
    const app = await start({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      LOG_LEVEL: 'debug',
    });
    const given = await rawRequest(
      app.url + '/chat/completions?api-key=query-secret',
      {
        method: 'POST',
        headers: {
          'x-request-id': 'client-chosen-id-1',
          authorization: 'Bearer client-secret-key',
          'x-api-key': 'other-secret',
        },
        body: '{"model":"gpt-4o"}',
      },
    );
    expect(given.headers['x-request-id']).toBe('client-chosen-id-1');
    const generated = await rawRequest(app.url + '/models');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await rawRequest(app.url + '/models', {
      headers: { 'x-request-id': 'bad id\twith "quotes"' },
    });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    await new Promise((r) => setTimeout(r, 200));
    const lines = app
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    const requestLines = lines.filter((l) => l.req && l.res);
    const first = requestLines.find((l) => l.req.id === 'client-chosen-id-1');
    expect(first).toMatchObject({
      req: { method: 'POST', path: '/chat/completions' },
      res: { statusCode: 200 },
      upstreamStatus: 200,
      outcome: 'complete',
    });
    expect(first!.bytes).toBeGreaterThan(0);
    expect(typeof first!.durationMs).toBe('number');
    expect(
      requestLines.filter((l) => l.req.id === 'client-chosen-id-1'),
    ).toHaveLength(1);
    expect(
      requestLines.find((l) => l.req.id === generated.headers['x-request-id']),
    ).toBeDefined();
    const everything = app.stdout() + app.stderr();
    for (const secret of [
      TOKEN,
      'client-secret-key',
      'other-secret',
      'query-secret',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('drains on SIGTERM: readiness turns 503, the stream in flight finishes, new connections are refused, exit 0', async () => {
    const app = await start({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    expect((await rawRequest(app.url + '/readyz')).status).toBe(200);
    // 15 events 100 ms apart: the stream is still running when the signal arrives.
    const stream = readSse(app.url + '/_test/sse?events=15&interval=100', {
      method: 'GET',
      onEvent: (event) => {
        if (event.data.startsWith('{"n":3,')) app.proc.kill('SIGTERM');
      },
    });
    const result = await stream;
    expect(result.ending).toBe('end');
    expect(result.events).toHaveLength(16);
    expect(result.events.at(-1)!.data).toBe('[DONE]');
    await expect(
      rawRequest(app.url + '/healthz', { agent: false }),
    ).rejects.toThrow(/ECONNREFUSED/);
    expect(await app.exited).toEqual({ code: 0, signal: null });
  });

  it('cuts streams still running at SHUTDOWN_TIMEOUT_MS and still exits 0', async () => {
    const app = await start({
      COPILOT_TOKEN: TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      SHUTDOWN_TIMEOUT_MS: '300',
    });
    const stream = readSse(app.url + '/_test/sse?events=100&interval=100', {
      method: 'GET',
      onEvent: (event) => {
        if (event.data.startsWith('{"n":2,')) app.proc.kill('SIGTERM');
      },
    });
    const result = await stream;
    expect(result.ending).toBe('error');
    expect(result.events.length).toBeLessThan(20);
    expect((await app.exited).code).toBe(0);
  });
});
