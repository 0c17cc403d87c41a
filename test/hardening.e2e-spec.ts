import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, RawResponse, waitFor } from './support/http-client';
import { SpawnedApp, spawnApp } from './support/spawn-app';
import { emptyConfigHome, FIXTURE_COPILOT_TOKEN } from './support/test-app';

/**
 * Issue 24, "Hardening": one request must never crash, stall or overspend the
 * gateway. Each test fails without the fix it names.
 */

const JSON_TYPE = { 'content-type': 'application/json' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Chat body for the responses-only `gpt-5.1-codex` (translated), with `extra` keys. */
function chatWith(extra: string, stream = false): string {
  const body = JSON.stringify({
    model: 'gpt-5.1-codex',
    stream,
    messages: [{ role: 'user', content: 'hi' }],
  });
  return `${body.slice(0, -1)},${extra}}`;
}

async function monthRequests(url: string): Promise<number> {
  const res = await rawRequest(`${url}/usage`);
  const month = (
    JSON.parse(res.body.toString()) as {
      periods: Array<{ period: string; totals: { requests: number } }>;
    }
  ).periods.find((p) => p.period === 'month')!;
  return month.totals.requests;
}

/** Waits until the month counts `requests` requests (usage is written as answers end). */
async function settledRequests(url: string, requests: number) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const counted = await monthRequests(url);
    if (counted >= requests || Date.now() > deadline) return counted;
    await sleep(20);
  }
}

describe('issue 24: hardening (a real process)', () => {
  let fake: FakeCopilotApi;
  let app: SpawnedApp;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    app = await spawnApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: fake.url,
      PROXY_HOST: '127.0.0.1',
      XDG_CONFIG_HOME: emptyConfigHome(),
    });
  });
  afterAll(async () => {
    app?.proc.kill('SIGKILL');
    await fake?.stop();
  });

  const alive = async () => {
    const res = await rawRequest(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(app.proc.exitCode).toBeNull();
  };

  describe('1. an ignored field name outside printable ASCII', () => {
    const NAMES = [
      '\\u0100',
      'a\\r\\nSet-Cookie: x=1',
      'nul\\u0000',
      '\\ud800',
    ];

    it.each([false, true])(
      'answers (stream: %s), names it percent-encoded, meters the call, and the process lives',
      async (stream) => {
        const before = await monthRequests(app.url);
        const res: RawResponse = await rawRequest(
          `${app.url}/v1/chat/completions`,
          {
            method: 'POST',
            headers: JSON_TYPE,
            body: chatWith(NAMES.map((n) => `"${n}":1`).join(','), stream),
          },
        );
        expect(res.status).toBe(200);
        expect(res.headers['x-copilot-bridge']).toBe('chat->responses');
        expect(res.headers['x-bridge-ignored']).toBe(
          '%C4%80, a%0D%0ASet-Cookie:%20x=1, nul%00, %EF%BF%BD',
        );
        expect(res.headers['set-cookie']).toBeUndefined();
        await alive();
        expect(await settledRequests(app.url, before + 1)).toBe(before + 1);
      },
    );
  });

  describe('2. many unknown keys', () => {
    it('120,000 distinct keys: a bounded header and log list, and /healthz answers meanwhile', async () => {
      const extra = Array.from({ length: 120_000 }, (_, i) => `"k${i}":1`);
      const sent = rawRequest(`${app.url}/v1/chat/completions`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: chatWith(extra.join(','), true),
      });
      const [res] = await Promise.all([sent, alive()]);
      expect(res.status).toBe(200);
      const header = res.headers['x-bridge-ignored'] as string;
      expect(header.length).toBeLessThanOrEqual(512);
      const names = header.split(', ');
      expect(names.slice(0, 20)).toEqual(
        Array.from({ length: 20 }, (_, i) => `k${i}`),
      );
      expect(names[20]).toBe('+119980 more');
      await alive();
      // The request's log line names the same bounded list.
      await waitFor(() => app.stdout().includes('+119980 more'));
      const line = app
        .stdout()
        .split('\n')
        .find((l) => l.includes('+119980 more'));
      expect(line).toBeDefined();
      expect(line!.length).toBeLessThan(4096);
    });
  });
});
