import request from 'supertest';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { readSse } from './support/http-client';
import {
  FIXTURE_GITHUB_TOKEN,
  startApp,
  useDynamicFakeAndProxy,
} from './support/test-app';

const GITHUB_TOKEN = FIXTURE_GITHUB_TOKEN;
const KEY = 'metrics-client-key';

/** Reads one sample from Prometheus text, e.g. `name{a="b"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(series + ' '))
      return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('Prometheus metrics', () => {
  const ctx = useDynamicFakeAndProxy(
    { PROXY_API_KEYS: KEY },
    {},
    { waitForToken: false },
  );
  const server = () => ctx.proxy.app.getHttpServer();
  const scrape = async () => (await request(server()).get('/metrics')).text;

  it('serves the Prometheus text format with process metrics', async () => {
    const res = await request(server()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    const text = res.text;
    expect(text).toContain('# TYPE copilot_proxy_requests_total counter');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('counts requests by method, route class and status', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    await request(server()).get('/v1/models').set(auth);
    await request(server())
      .post('/v1/chat/completions')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"model":"gpt-4o"}');
    await request(server())
      .post('/v1/embeddings')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"input":"x"}');
    await request(server()).get('/models/gpt-4o-2024-11-20/policy').set(auth);
    await request(server()).get('/models'); // no key: 401
    const text = await scrape();
    expect(
      sample(
        text,
        'copilot_proxy_requests_total{method="GET",route="models",status="200"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'copilot_proxy_requests_total{method="POST",route="chat",status="200"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'copilot_proxy_requests_total{method="POST",route="embeddings",status="200"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'copilot_proxy_requests_total{method="GET",route="models",status="401"}',
      ),
    ).toBe(1);
    // Ids in paths never become labels.
    expect(text).not.toContain('gpt-4o-2024-11-20');
    expect(
      sample(
        text,
        'copilot_proxy_upstream_headers_seconds_count{route="chat"}',
      ),
    ).toBe(1);
  });

  it('tracks active streams and streamed bytes', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    const before =
      sample(
        await scrape(),
        'copilot_proxy_streamed_bytes_total{route="chat"}',
      ) ?? 0;
    let during: number | undefined;
    const result = await readSse(ctx.proxy.url + '/v1/chat/completions', {
      headers: { ...auth, 'x-fake-events': '6', 'x-fake-interval-ms': '60' },
      body: '{"model":"gpt-4o","stream":true}',
      onEvent: (event) => {
        if (event.data.includes('tok3')) {
          void scrape().then(
            (text) => (during = sample(text, 'copilot_proxy_active_streams')),
          );
        }
      },
    });
    expect(result.ending).toBe('end');
    expect(during).toBe(1);
    const after = await scrape();
    expect(sample(after, 'copilot_proxy_active_streams')).toBe(0);
    expect(
      sample(after, 'copilot_proxy_streamed_bytes_total{route="chat"}')! -
        before,
    ).toBeGreaterThan(500);
  });

  it('counts token exchanges and failures', async () => {
    const text = await scrape();
    expect(
      sample(text, 'copilot_proxy_token_exchanges_total{outcome="success"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('never carries a token, a key or a raw path', async () => {
    const text = await scrape();
    for (const secret of [GITHUB_TOKEN, KEY, 'tid=fake', 'Bearer'])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/route="\//);
  });
});

describe('Prometheus metrics: token exchange failures', () => {
  it('counts failed exchanges', async () => {
    const fake = await new FakeCopilotApi({ githubTokens: [] }).start();
    const proxy = await startApp({
      GITHUB_TOKEN: 'gho_refused',
      GITHUB_API_BASE_URL: fake.url,
      COPILOT_API_BASE_URL: fake.url,
    });
    try {
      await request(proxy.app.getHttpServer()).get('/models');
      const text = (await request(proxy.app.getHttpServer()).get('/metrics'))
        .text;
      expect(
        sample(text, 'copilot_proxy_token_exchanges_total{outcome="failure"}'),
      ).toBeGreaterThanOrEqual(1);
      expect(text).not.toContain('gho_refused');
    } finally {
      await proxy.close();
      await fake.stop();
    }
  });
});
