import type { ConfigService } from '@nestjs/config';
import type { ServerResponse } from 'node:http';
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
});
