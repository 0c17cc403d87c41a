import OpenAI from 'openai';
import { request } from 'node:http';

import { rawRequest, readSse, target } from './support/http-client';
import { useFakeAndProxy } from './support/test-app';

const chatBody = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});

describe('proxy streaming (Server-Sent Events)', () => {
  const ctx = useFakeAndProxy((fake) => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
  }));

  it('delivers each event within 100 ms of the upstream sending it, uncompressed', async () => {
    const result = await readSse(ctx.proxy.url + '/v1/chat/completions', {
      headers: {
        'content-type': 'application/json',
        'accept-encoding': 'gzip',
        'x-fake-events': '8',
        'x-fake-interval-ms': '150',
      },
      body: chatBody,
    });
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('text/event-stream');
    expect(result.headers['x-accel-buffering']).toBe('no');
    expect(result.headers['content-encoding']).toBeUndefined();
    const timed = result.events.filter((e) => e.data.includes('"sent"'));
    expect(timed).toHaveLength(8);
    for (const event of timed) {
      const { sent } = JSON.parse(event.data) as { sent: number };
      expect(event.receivedAt - sent).toBeLessThan(100);
    }
    // Events arrive spread out, one by one, not in one burst at the end.
    expect(timed[7].receivedAt - timed[0].receivedAt).toBeGreaterThan(700);
    expect(result.events.at(-1)!.data).toBe('[DONE]');
    expect(result.ending).toBe('end');
  });

  it('streams a chat completion to the OpenAI SDK', async () => {
    const client = new OpenAI({
      apiKey: 'client-key-not-copilot',
      baseURL: `${ctx.proxy.url}/v1`,
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text).toBe('tok1 tok2 tok3 tok4 tok5 ');
    expect(usage).toMatchObject({ completion_tokens: 5 });
    expect(ctx.fake.requests.at(-1)!.headers.authorization).toBe(
      'Bearer test-copilot-token',
    );
  });

  it('gives the OpenAI SDK a non-streaming completion and the model list', async () => {
    const client = new OpenAI({
      apiKey: 'client-key',
      baseURL: `${ctx.proxy.url}/v1`,
    });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0].message.content).toBe('Hello from the fake.');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([
      'gpt-4o',
      'claude-sonnet-4',
      'claude-opus-4',
      'claude-haiku-4.5',
      'gpt-4.1',
      'gemini-2.5-pro',
      'gpt-5.1-codex',
      'gpt-5-mini',
      'claude-sonnet-4.5',
      'claude-opus-4.6',
    ]);
  });

  it('aborts the upstream request as soon as the client disconnects', async () => {
    const aborted = ctx.fake.waitForAbort('/_test/sse');
    const req = request(
      {
        ...target(ctx.proxy.url + '/_test/sse?events=100&interval=100'),
        method: 'GET',
      },
      (res) => {
        res.once('data', () => req.destroy());
      },
    );
    req.on('error', () => undefined);
    req.end();
    const record = await aborted;
    expect(record.aborted).toBe(true);
  });

  it('holds 200 concurrent streams, every event delivered', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        readSse(ctx.proxy.url + '/_test/sse?events=10&interval=30', {
          method: 'GET',
        }),
      ),
    );
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.ending).toBe('end');
      expect(result.events).toHaveLength(11);
    }
  });

  it('passes a Responses API event stream with its event names', async () => {
    const res = await rawRequest(ctx.proxy.url + '/v1/responses', {
      method: 'POST',
      body: '{"model":"gpt-4.1","input":"x","stream":true}',
    });
    expect(res.body.toString()).toMatch(
      /event: response\.output_text\.delta\ndata: \{"type":"response\.output_text\.delta",[^\n]*"delta":"Hi"[^\n]*\}\n\n/,
    );
  });

  it('applies backpressure: a paused reader still gets every byte', async () => {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = request(
        { ...target(ctx.proxy.url + '/_test/bytes/8000000') },
        (res) => {
          const chunks: Buffer[] = [];
          res.pause();
          setTimeout(() => {
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.resume();
          }, 300);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body.length).toBe(8_000_000);
    expect(body[7_999_999]).toBe(7_999_999 % 251);
  });
});
