import type { IncomingMessage, ServerResponse } from 'node:http';
import { assetOf } from './dashboard-assets';
import { ASSET_CACHE_CONTROL, sendAsset, stillFresh } from './send-asset';

/** Records what `sendAsset` writes. */
function recorder() {
  const answer = {
    headers: {} as Record<string, string | number>,
    status: 0,
    body: undefined as Buffer | undefined,
  };
  const res = {
    setHeader: (name: string, value: string) => (answer.headers[name] = value),
    writeHead: (status: number, headers?: Record<string, string | number>) => {
      answer.status = status;
      Object.assign(answer.headers, headers);
    },
    end: (body?: Buffer) => (answer.body = body),
  } as unknown as ServerResponse;
  return { res, answer };
}

const request = (method: string, headers: Record<string, string> = {}) =>
  ({ method, headers }) as unknown as IncomingMessage;

describe('sendAsset', () => {
  const asset = assetOf('page.js', Buffer.from('export {};\n'));

  it('answers the body with its type, length, validator and no-cache', () => {
    const { res, answer } = recorder();
    sendAsset(request('GET'), res, asset);
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({
      'cache-control': ASSET_CACHE_CONTROL,
      etag: asset.etag,
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': asset.body.length,
    });
    expect(answer.body).toBe(asset.body);
  });

  it('answers 304 without a body to a browser that holds this version', () => {
    const { res, answer } = recorder();
    sendAsset(request('GET', { 'if-none-match': asset.etag }), res, asset);
    expect(answer.status).toBe(304);
    expect(answer.body).toBeUndefined();
    expect(answer.headers.etag).toBe(asset.etag);
  });

  it('answers a HEAD with the headers only', () => {
    const { res, answer } = recorder();
    sendAsset(request('HEAD'), res, asset);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(asset.body.length);
    expect(answer.body).toBeUndefined();
  });
});

describe('stillFresh', () => {
  it.each([
    [undefined, false],
    ['"other"', false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
  ])('If-None-Match %s → %s', (header, fresh) => {
    expect(stillFresh(header, '"abc"')).toBe(fresh);
  });
});
