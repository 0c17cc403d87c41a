import type { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { UpstreamRequest } from '../copilot/copilot-client';
import type { UpstreamResponse } from '../copilot/upstream-transport';
import type { RequestContext } from '../request-context/request-context';
import type { CountLimits } from './budgeted-count';
import { COUNT_MS } from './count-budget';
import { countTokens } from './token-counter';
import { ESTIMATE_HEADER, TokenCountFallback } from './token-count.fallback';

jest.mock('./token-counter', () => ({ countTokens: jest.fn(() => 42) }));

/** The fallback with only what answering a 404 needs. */
function fallback(): TokenCountFallback {
  const config = {
    get: (key: string) =>
      key === 'inspection' ? { maxBytes: 1_000_000 } : { aliases: new Map() },
  } as unknown as ConfigService<never, true>;
  return new TokenCountFallback(config, never(), never(), never());
}
const never = <T>(): T => ({}) as T;

describe('TokenCountFallback: answering a count the upstream does not serve', () => {
  afterEach(() => jest.restoreAllMocks());

  it('counts its deadline from when the answer began, the body’s parse included', () => {
    // The answer begins at 1000; by the time counting starts it is 1030.
    jest
      .spyOn(performance, 'now')
      .mockReturnValueOnce(1000)
      .mockReturnValue(1030);
    const written: { status?: number; headers?: object; body?: string } = {};
    const res = {
      writeHead: (status: number, headers: object) =>
        Object.assign(written, { status, headers }),
      end: (body: string) => (written.body = body),
    } as unknown as ServerResponse;
    const request = {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      headers: {},
      body: Buffer.from(JSON.stringify({ messages: [] })),
    } as unknown as UpstreamRequest;
    const upstream = {
      status: 404,
      body: { destroy: () => undefined },
    } as unknown as UpstreamResponse;

    expect(
      fallback().answer({} as RequestContext, request, upstream, res),
    ).toBe(true);
    const limits = jest.mocked(countTokens).mock.calls[0][2] as CountLimits;
    expect(limits.deadline).toBe(1000 + COUNT_MS);
    expect(written.body).toBe('{"input_tokens":42}');
    expect(written.headers).toMatchObject({ [ESTIMATE_HEADER]: 'o200k_base' });
  });

  it('does not charge the wait for the account to the count, only the parse', async () => {
    // The body is in hand at 1000; the account is known only 300 ms later (a
    // token exchange): no loop was held meanwhile.
    let clock = 1000;
    jest.spyOn(performance, 'now').mockImplementation(() => clock);
    const bytes = Buffer.from(
      JSON.stringify({ model: 'chat-only', messages: [] }),
    );
    const config = {
      get: (key: string) =>
        key === 'inspection' ? { maxBytes: 1_000_000 } : { aliases: new Map() },
    } as unknown as ConfigService<never, true>;
    const buffers = { read: () => Promise.resolve({ bytes }) };
    const catalog = {
      entry: () => ({
        models: new Map([['chat-only', { endpoints: ['/chat/completions'] }]]),
      }),
    };
    const client = {
      account: () =>
        new Promise<string>((resolve) => {
          clock += 300;
          resolve('account');
        }),
    };
    const count = new TokenCountFallback(
      config,
      buffers as never,
      catalog as never,
      client as never,
    );
    const res = {
      writeHead: () => undefined,
      end: () => undefined,
    } as unknown as ServerResponse;
    const request = {
      method: 'POST',
      path: '/v1/messages/count_tokens',
      headers: {},
      body: Readable.from([bytes]),
    } as unknown as UpstreamRequest;

    const sent = await count.prepare(
      { outcome: undefined } as unknown as RequestContext,
      request,
      res,
    );
    expect(sent).toBeUndefined();
    const limits = jest
      .mocked(countTokens)
      .mock.calls.at(-1)![2] as CountLimits;
    expect(limits.deadline).toBe(1300 + COUNT_MS);
  });
});
