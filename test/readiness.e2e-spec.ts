import request from 'supertest';
import { HealthController } from '../src/health/health.controller';
import { ShutdownService } from '../src/lifecycle/shutdown.service';
import { readSse, waitFor } from './support/http-client';
import { useFakeAndProxy } from './support/test-app';

describe('readiness and liveness', () => {
  const ctx = useFakeAndProxy((fake) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
    SHUTDOWN_TIMEOUT_MS: '5000',
  }));

  it('is live and ready with a token', async () => {
    const server = ctx.proxy.app.getHttpServer();
    const live = await request(server).get('/healthz');
    expect(live.status).toBe(200);
    const ready = await request(server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { copilot_token: { status: 'up' }, shutdown: { status: 'up' } },
    });
    expect(ready.text).not.toContain('test-copilot-token');
  });

  it('turns not ready the moment shutdown begins, while a stream still drains to its end', async () => {
    const stream = readSse(ctx.proxy.url + '/_test/sse?events=6&interval=100', {
      method: 'GET',
    });
    await new Promise((r) => setTimeout(r, 150));
    const closing = ctx.proxy.close();
    const shutdown = ctx.proxy.app.get(ShutdownService);
    await waitFor(() => shutdown.isDraining);
    // The listener is closed by now, so ask the controller itself.
    await expect(
      ctx.proxy.app.get(HealthController).readiness(),
    ).rejects.toMatchObject({
      response: { status: 'error', error: { shutdown: { status: 'down' } } },
    });
    const result = await stream;
    expect(result.ending).toBe('end');
    expect(result.events).toHaveLength(7);
    await closing;
  });
});
