/**
 * A request path reduced to a fixed family, so metric labels never carry ids,
 * queries or anything a client chose.
 */
export type RouteClass =
  | 'chat'
  | 'responses'
  | 'messages'
  | 'models'
  | 'embeddings'
  | 'service'
  | 'other';

export interface RequestTarget {
  /**
   * What to send upstream: the request target byte for byte but for the `/v1`
   * alias; undefined when it is refused (`refusal` says why).
   */
  upstreamPath: string | undefined;
  route: RouteClass;
  /** Why the target is not proxied. */
  refusal?: TargetRefusal;
}

/**
 * - `not-origin-form`: not a path starting with `/`;
 * - `not-canonical`: a spelling that HTTP stacks read as another path (dot
 *   segments, empty segments, backslashes, %-escapes of unreserved characters,
 *   `/` or `\`), which would reach a model endpoint unmetered;
 * - `doubled-v1`: `/v1/v1/…`, a base URL that already ends in `/v1`.
 */
export type TargetRefusal = 'not-origin-form' | 'not-canonical' | 'doubled-v1';

/**
 * OpenAI clients configured with a `/v1` base URL ask for `/v1/chat/completions`;
 * the Copilot API serves these families without the prefix. Every other path, the
 * Anthropic `/v1/messages` included, goes upstream as it is. A family matches only
 * as a whole segment (`/v1/modelsX` is not `/v1/models`).
 */
const FAMILY =
  /^(\/v1)?\/(chat\/completions|models|embeddings|responses)(?=[/?]|$)|^\/v1\/messages(?=[/?]|$)/;
/**
 * The service's own endpoints: answered by Nest's controllers, never proxied
 * (`/api/hello` is Claude Code's start probe).
 */
const SERVICE =
  /^\/(?:(healthz|readyz|metrics|usage|dashboard|seats|api\/hello)(?=[/?]|$)|(?=\?|$))/;

/** A %-escape of an unreserved character, `/` or `\`: never needed in a path. */
const NEEDLESS_ESCAPE =
  /%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEFdef]|5[CFcf]|7[Ee])/;

/**
 * One decision for classifying and forwarding: a path is proxied only when every
 * HTTP stack reads it as written. Otherwise `/./chat/completions` would be
 * metered as `other` and served as chat by an upstream that normalises it.
 */
function isCanonical(path: string): boolean {
  if (path === '/') return true;
  if (path.includes('\\') || NEEDLESS_ESCAPE.test(path)) return false;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return false;
  }
  return !looksLikeAModelEndpoint(path) || MODEL_PATHS.has(path);
}

/** Whether a request path (query aside) is a model endpoint, which only POST serves. */
export function isModelPath(raw: string): boolean {
  const query = raw.indexOf('?');
  return MODEL_PATHS.has(query === -1 ? raw : raw.slice(0, query));
}

/** The model endpoints as clients call them, with and without the `/v1` alias. */
const MODEL_PATHS = new Set([
  '/chat/completions',
  '/v1/chat/completions',
  '/responses',
  '/v1/responses',
  '/embeddings',
  '/v1/embeddings',
  '/v1/messages',
  '/v1/messages/count_tokens',
]);

/**
 * A path some stack might still take for a model endpoint — other case, a
 * `;param`, a trailing space or NUL (`/CHAT/completions`, `/v1/messages%00`):
 * only the exact spelling is served.
 */
function looksLikeAModelEndpoint(path: string): boolean {
  let loose: string;
  try {
    loose = decodeURIComponent(path);
  } catch {
    return false;
  }
  loose = loose
    .toLowerCase()
    .replace(/;[^/]*/g, '')
    .replace(/[\s\0]+$/, '');
  return MODEL_PATHS.has(loose);
}

const ROUTE_BY_FAMILY: Record<string, RouteClass> = {
  'chat/completions': 'chat',
  models: 'models',
  embeddings: 'embeddings',
  responses: 'responses',
};

/** Where a request goes and how it is counted, decided once per request. */
export function parseTarget(raw: string): RequestTarget {
  if (raw.charCodeAt(0) !== 0x2f /* / */) {
    return {
      upstreamPath: undefined,
      route: 'other',
      refusal: 'not-origin-form',
    };
  }
  const query = raw.indexOf('?');
  // The proxy's own paths never go upstream (anything but their routes is a 405),
  // so `/dashboard/` may keep its slash.
  if (SERVICE.test(raw)) return { upstreamPath: raw, route: 'service' };
  if (!isCanonical(query === -1 ? raw : raw.slice(0, query))) {
    return {
      upstreamPath: undefined,
      route: 'other',
      refusal: 'not-canonical',
    };
  }
  if (raw.startsWith('/v1/v1/') || raw === '/v1/v1') {
    return {
      upstreamPath: undefined,
      route: parseTarget(raw.slice(3)).route,
      refusal: 'doubled-v1',
    };
  }
  const match = FAMILY.exec(raw);
  if (!match) {
    return { upstreamPath: raw, route: 'other' };
  }
  if (match[2] === undefined) return { upstreamPath: raw, route: 'messages' };
  return {
    upstreamPath: match[1] ? raw.slice(3) : raw,
    route: ROUTE_BY_FAMILY[match[2]],
  };
}

/** The Copilot model endpoints: the requests that are inspected, metered and cached. */
export type ModelEndpoint = 'chat' | 'messages' | 'responses' | 'embeddings';

const ENDPOINT =
  /^\/(?:(chat\/completions)|v1\/(messages)|(responses)|(embeddings))(?:\?|$)/;

/**
 * Which model endpoint a request calls: only a `POST` to the endpoint itself
 * (`/v1/messages/count_tokens`, `GET /responses/{id}` and `OPTIONS` are not).
 */
export function modelEndpoint(
  method: string,
  upstreamPath: string | undefined,
): ModelEndpoint | undefined {
  if (method !== 'POST' || upstreamPath === undefined) return undefined;
  const match = ENDPOINT.exec(upstreamPath);
  if (!match) return undefined;
  if (match[1]) return 'chat';
  if (match[2]) return 'messages';
  if (match[3]) return 'responses';
  return 'embeddings';
}
