import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import { RequestContext } from '../request-context/request-context';
import { parseTarget } from '../request-context/request-target';
import { ThinkingRetry, withoutThinking } from './retry-without-thinking';

const thinking = (s: string) => ({
  type: 'thinking',
  thinking: 'x',
  signature: s,
});
const text = { type: 'text', text: 'ok' };

describe('withoutThinking', () => {
  it('takes the history thinking blocks, keeping thinking when the last assistant turn had none', () => {
    const body = {
      model: 'claude-sonnet-4.5',
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'a' },
        {
          role: 'assistant',
          content: [
            thinking('s1'),
            { type: 'redacted_thinking', data: 'd' },
            text,
          ],
        },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: [text] },
        { role: 'user', content: 'c' },
      ],
    };
    const out = JSON.parse(
      withoutThinking(Buffer.from(JSON.stringify(body)))!.toString(),
    );
    expect(out.messages[1].content).toEqual([text]);
    expect(out.thinking).toEqual(body.thinking);
    expect(out.messages.slice(2)).toEqual(body.messages.slice(2));
  });

  it('leaves a turn that is thinking only, and a body with no thinking, alone', () => {
    const only = {
      messages: [{ role: 'assistant', content: [thinking('s')] }],
    };
    expect(withoutThinking(Buffer.from(JSON.stringify(only)))).toBeUndefined();
    expect(
      withoutThinking(
        Buffer.from('{"messages":[{"role":"user","content":"thinking"}]}'),
      ),
    ).toBeUndefined();
    expect(withoutThinking(Buffer.from('not json thinking'))).toBeUndefined();
  });
});

describe('ThinkingRetry', () => {
  const retry = new ThinkingRetry(
    {
      get: () => ({ enabled: true, rules: new Map([['m10r', true]]) }),
    } as never,
    { note: jest.fn() } as never,
  );
  const context = new RequestContext('r', 'POST', parseTarget('/v1/messages'));
  const request = {
    method: 'POST',
    path: '/v1/messages',
    headers: {},
    body: Buffer.from(
      JSON.stringify({
        messages: [{ role: 'assistant', content: [thinking('s'), text] }],
      }),
    ),
    signal: new AbortController().signal,
  };
  const refusal = (body: Buffer): UpstreamResponse => {
    const stream = new PassThrough();
    stream.end(body);
    return {
      status: 400,
      statusMessage: 'Bad Request',
      rawHeaders: ['Content-Type', 'text/plain'],
      body: stream as unknown as IncomingMessage,
    };
  };
  const read = async (res: UpstreamResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('passes any other refusal on, byte for byte and complete', async () => {
    const body = Buffer.from('{"error":{"message":"something else"}}\n');
    const send = jest.fn();
    const out = await retry.answer(context, request, refusal(body), send);
    expect(send).not.toHaveBeenCalled();
    expect(await read(out)).toEqual(body);
    expect((out.body as unknown as { complete: boolean }).complete).toBe(true);
  });

  it('passes a refusal longer than it reads on whole', async () => {
    const body = Buffer.from(
      `Invalid signature in thinking block${'x'.repeat(200_000)}`,
    );
    const send = jest.fn();
    const out = await retry.answer(context, request, refusal(body), send);
    expect(send).not.toHaveBeenCalled();
    expect(await read(out)).toEqual(body);
  });

  it('sends once more without the thinking on the signature refusal', async () => {
    const answer = refusal(Buffer.from('ok'));
    const send = jest.fn().mockResolvedValue(answer);
    const out = await retry.answer(
      context,
      request,
      refusal(
        Buffer.from(
          '{"error":{"message":"messages.0.content.0: Invalid signature in thinking block"}}',
        ),
      ),
      send,
    );
    expect(out).toBe(answer);
    const again = send.mock.calls[0][0];
    expect(JSON.parse(again.body.toString()).messages[0].content).toEqual([
      text,
    ]);
    expect(again.headers['Content-Length']).toBe(String(again.body.length));
  });
});
