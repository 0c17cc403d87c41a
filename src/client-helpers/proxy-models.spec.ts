import { HelperError } from './helper-error';
import { proxyModels } from './proxy-models';

type Fetch = typeof fetch;

const answer =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (calls: Array<[string, RequestInit | undefined]>): Fetch =>
    ((url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return Promise.resolve(new Response(body, { status, headers }));
    }) as Fetch;

async function failure(promise: Promise<unknown>): Promise<HelperError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HelperError);
  return error as HelperError;
}

describe('proxyModels', () => {
  const target = { baseUrl: 'http://h:1' };
  const keyed = { baseUrl: 'http://h:1', key: 'k1' };

  it('asks /v1/models, with the key as Bearer when there is one', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const list = JSON.stringify({ data: [{ id: 'gpt-4o' }, { id: 7 }] });
    const models = await proxyModels(keyed, answer(200, list)(calls));
    expect(models).toEqual([{ id: 'gpt-4o' }]);
    expect(calls[0][0]).toBe('http://h:1/v1/models');
    expect(calls[0][1]?.headers).toEqual({ authorization: 'Bearer k1' });
    await proxyModels(target, answer(200, list)(calls));
    expect(calls[1][1]?.headers).toEqual({});
  });

  it('says to set PROXY_API_KEY when keys are on and none was sent', async () => {
    const body = JSON.stringify({
      error: { message: 'Invalid API key', code: 'unauthorized' },
    });
    const error = await failure(proxyModels(target, answer(401, body)([])));
    expect(error.message).toBe(
      'http://h:1/v1/models answered 401 (Invalid API key): keys are on; export PROXY_API_KEY=<your key> and run this again',
    );
  });

  it('says the key is wrong when one was sent, never echoing it', async () => {
    const error = await failure(
      proxyModels(
        keyed,
        answer(401, 'no', { 'www-authenticate': 'Bearer realm="x"' })([]),
      ),
    );
    expect(error.message).toBe(
      "http://h:1/v1/models answered 401 (no): PROXY_API_KEY is not one of this proxy's keys",
    );
    expect(error.message).not.toContain('k1');
  });

  it('passes on a 401 that is not about the key as the proxy said it', async () => {
    const body = JSON.stringify({
      error: {
        message: 'GitHub refused a Copilot token for this account',
        code: 'copilot_not_available',
      },
    });
    const error = await failure(proxyModels(keyed, answer(401, body)([])));
    expect(error.message).toBe(
      'http://h:1/v1/models answered 401 (GitHub refused a Copilot token for this account)',
    );
  });

  it('gives the wait of a 429, and the status and message of any error', async () => {
    const limited = await failure(
      proxyModels(
        target,
        answer(
          429,
          JSON.stringify({ error: { message: 'Rate limit exceeded' } }),
          { 'retry-after': '12' },
        )([]),
      ),
    );
    expect(limited.message).toBe(
      'http://h:1/v1/models answered 429 (Rate limit exceeded): try again in 12 s',
    );
    const broken = await failure(
      proxyModels(target, answer(502, 'bad\ngateway\n')([])),
    );
    expect(broken.message).toBe(
      'http://h:1/v1/models answered 502 (bad gateway)',
    );
  });

  it('refuses an answer that is not a model list', async () => {
    for (const body of ['<html>', '{"object":"list"}', '[]']) {
      const error = await failure(proxyModels(target, answer(200, body)([])));
      expect(error.message).toBe(
        'http://h:1/v1/models did not answer a model list: does PROXY_URL point at copilot-proxy?',
      );
    }
  });

  it('says how to start the proxy when nothing listens', async () => {
    const refused = (() =>
      Promise.reject(
        Object.assign(new TypeError('fetch failed'), {
          cause: { code: 'ECONNREFUSED' },
        }),
      )) as unknown as Fetch;
    const error = await failure(proxyModels(target, refused));
    expect(error.message).toBe(
      'cannot reach the proxy at http://h:1 (ECONNREFUSED): start it with `npm start`, or set PROXY_URL to where it runs',
    );
  });

  it('gives up on a proxy that does not answer in time', async () => {
    const silent = ((_url: string, init?: RequestInit) =>
      new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () =>
          reject(init.signal!.reason as Error),
        ),
      )) as Fetch;
    const error = await failure(proxyModels(target, silent, 20));
    expect(error.message).toBe('http://h:1 did not answer within 0.02 s');
  });
});
