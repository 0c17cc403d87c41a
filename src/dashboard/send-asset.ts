import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Asset } from './dashboard-assets';

/**
 * Browsers revalidate every file on each load (`no-cache`) and get a bodiless 304
 * while it is unchanged: an upgraded proxy never runs an old script against a new
 * page, and a reload costs one round trip per file.
 */
export const ASSET_CACHE_CONTROL = 'no-cache';

/** Whether `If-None-Match` names this version (a list, weak tags, or `*`). */
export function stillFresh(ifNoneMatch: string | undefined, etag: string) {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/** The asset, or a 304 when the browser already holds it; HEAD gets the headers only. */
export function sendAsset(
  req: IncomingMessage,
  res: ServerResponse,
  asset: Asset,
): void {
  res.setHeader('cache-control', ASSET_CACHE_CONTROL);
  res.setHeader('etag', asset.etag);
  if (stillFresh(req.headers['if-none-match'], asset.etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  res.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : asset.body);
}
