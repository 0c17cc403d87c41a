import {
  createServer,
  IncomingMessage,
  request,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { passTo } from './support/held-upstream';
import { FIXTURE_COPILOT_TOKEN, startApp, TestApp } from './support/test-app';

const STREAM_BODY = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});

/**
 * When an event stream's head is written: at once when the upstream sent its
 * head alone (the client learns the stream has begun while the model thinks),
 * and together with the first event when that event came with the head (one
 * write, not two: docs/performance.md, the long-stream burst).
 */
describe('the head of a relayed event stream', () => {
  let fake: FakeCopilotApi;
  let upstream: Server;
  let proxy: TestApp;
  /** Releases the stream the upstream holds after its head. */
  let release: (() => void) | undefined;
  let held: (() => void) | undefined;

  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
    // In front of the fake: `x-hold-after-head` streams get their head only,
    // until the test releases them; everything else goes to the fake.
    upstream = createServer((req, res) => {
      if (req.headers['x-hold-after-head'] === '1') return holdAfterHead(res);
      passTo(fake.url, req, res);
    });
    await new Promise<void>((resolve) =>
      upstream.listen(0, '127.0.0.1', resolve),
    );
    const { port } = upstream.address() as AddressInfo;
    proxy = await startApp({
      COPILOT_TOKEN: FIXTURE_COPILOT_TOKEN,
      COPILOT_API_BASE_URL: `http://127.0.0.1:${port}`,
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    await fake?.stop();
  });

  function holdAfterHead(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    release = () => {
      res.write('data: {"choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n');
      res.end('data: [DONE]\n\n');
    };
    held?.();
  }

  it('goes out at once when the upstream sends its head before any event', async () => {
    const upstreamHolding = new Promise<void>((resolve) => (held = resolve));
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${proxy.url}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hold-after-head': '1',
        },
      });
      req.on('response', resolve).on('error', reject).end(STREAM_BODY);
    });
    // The head reached the client while the upstream still holds every event.
    await upstreamHolding;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const body = readAll(res);
    release!();
    expect(await body).toContain('"content":"hi"');
  });

  it('shares one write with the first event when both came together', async () => {
    const flushes = jest.spyOn(ServerResponse.prototype, 'flushHeaders');
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${proxy.url}/chat/completions`, {
          method: 'POST',
          // The fake writes its head and first event in one tick, one packet.
          headers: {
            'content-type': 'application/json',
            'x-fake-events': '3',
            'x-fake-interval-ms': '0',
          },
        });
        req.on('response', resolve).on('error', reject).end(STREAM_BODY);
      });
      expect(res.statusCode).toBe(200);
      const body = await readAll(res);
      expect(body.match(/tok\d/g)).toHaveLength(3);
      expect(flushes).not.toHaveBeenCalled();
    } finally {
      flushes.mockRestore();
    }
  });
});

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text)).on('error', reject);
  });
}
