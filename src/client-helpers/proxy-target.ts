import { HelperError } from './helper-error';

/** The running proxy the helpers ask, and the key to show it. */
export interface ProxyTarget {
  /** Origin and path prefix, no trailing slash and no `/v1`. */
  baseUrl: string;
  key?: string;
}

/**
 * `PROXY_URL`, else `http://127.0.0.1:${PROXY_PORT:-8080}`; `PROXY_API_KEY` when
 * set. A trailing `/v1` is dropped: Claude Code's base URL must not have it, and
 * Codex's gets it added.
 */
export function proxyTarget(env: NodeJS.ProcessEnv): ProxyTarget {
  const raw = env.PROXY_URL || `http://127.0.0.1:${env.PROXY_PORT || '8080'}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    url = new URL('invalid:');
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash
  ) {
    throw new HelperError(
      `${env.PROXY_URL ? 'PROXY_URL' : 'PROXY_PORT'} must give the proxy's http(s) address, such as http://127.0.0.1:8080 (got "${raw}")`,
    );
  }
  const baseUrl = url.href.replace(/\/+$/, '').replace(/\/v1$/, '');
  const key = env.PROXY_API_KEY || undefined;
  return key ? { baseUrl, key } : { baseUrl };
}
