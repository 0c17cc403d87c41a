/** RFC 9110 §7.6.1 connection-specific fields, plus the legacy Proxy-Connection. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * Never forwarded upstream: the client's own credentials (the proxy injects the
 * Copilot token instead), `Host` (the upstream's is used), `Expect` (this hop
 * already answered it), `X-Request-Id` (the proxy sends the id it logs) and the
 * client's W3C trace context (its traces are its own, traced or not: SPEC §15).
 */
const DROPPED_UPSTREAM = new Set([
  'host',
  'authorization',
  'x-api-key',
  'expect',
  'x-request-id',
  'traceparent',
  'tracestate',
]);

/**
 * Headers that say which third-party tool, OS and runtime a client is (Claude
 * Code's `x-app`, `x-claude-code-*`, the Stainless SDKs' `x-stainless-*`, Codex's
 * `x-codex-*` with its `installation_id`): kept home, so upstream sees the editor
 * the proxy presents, not a mix of tools (SPEC §12). The client's `User-Agent`
 * is replaced by the editor's.
 */
const CLIENT_IDENTITY =
  /^(x-stainless-|x-claude-code-|x-codex-)|^(x-app|anthropic-dangerous-direct-browser-access|user-agent)$/;

/** How the headers of a proxied request are made for upstream. */
export interface UpstreamHeaderPolicy {
  /** Added when the client did not send them (lower-case names): the editor fingerprint. */
  defaults: ReadonlyArray<readonly [string, string]>;
  /** Send the client's identifying headers as they came (`KEEP_CLIENT_IDENTITY`). */
  keepClientIdentity: boolean;
}

/**
 * Header fields keyed by the name as first sent (case kept), repeated fields
 * gathered into arrays so that none is lost when Node writes them.
 */
class HeaderBag {
  readonly fields: Record<string, string | string[]> = Object.create(null);
  private readonly keys = new Map<string, string>();

  has(lower: string): boolean {
    return this.keys.has(lower);
  }

  add(name: string, lower: string, value: string): void {
    const key = this.keys.get(lower);
    if (key === undefined) {
      this.keys.set(lower, name);
      this.fields[name] = value;
      return;
    }
    const existing = this.fields[key];
    if (Array.isArray(existing)) existing.push(value);
    else this.fields[key] = [existing, value];
  }
}

/** Header names listed in `Connection` are hop-by-hop too. */
function connectionTokens(
  rawHeaders: readonly string[],
): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'connection') continue;
    tokens ??= new Set();
    for (const token of rawHeaders[i + 1].split(',')) {
      const name = token.trim().toLowerCase();
      if (name) tokens.add(name);
    }
  }
  return tokens;
}

/**
 * The headers to send upstream for a client request, from Node's `rawHeaders`
 * (names keep their case, repeated fields stay repeated). Credentials are not added
 * here: the Copilot client sets `Authorization` from the current token.
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  requestId: string,
  policy: UpstreamHeaderPolicy,
): Record<string, string | string[]> {
  const named = connectionTokens(rawHeaders);
  const headers = new HeaderBag();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    if (DROPPED_UPSTREAM.has(lower) || named?.has(lower)) continue;
    if (!policy.keepClientIdentity && CLIENT_IDENTITY.test(lower)) continue;
    if (HOP_BY_HOP.has(lower)) {
      // `TE: trailers` is the one end-to-end use of TE (gRPC-style trailers).
      if (!(lower === 'te' && value.trim().toLowerCase() === 'trailers'))
        continue;
    }
    headers.add(rawHeaders[i], lower, value);
  }
  for (const [name, value] of policy.defaults) {
    if (!headers.has(name)) headers.add(name, name, value);
  }
  headers.add('X-Request-Id', 'x-request-id', requestId);
  return headers.fields;
}

/**
 * The upstream response's headers for the client, names in their original case,
 * less hop-by-hop fields. The upstream's `X-Request-Id` is
 * dropped: the proxy answers with the id it logged the request under.
 */
export function clientResponseHeaders(
  rawHeaders: readonly string[],
): Record<string, string | string[]> {
  const named = connectionTokens(rawHeaders);
  const headers = new HeaderBag();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower) || lower === 'x-request-id')
      continue;
    headers.add(rawHeaders[i], lower, rawHeaders[i + 1]);
  }
  return headers.fields;
}

export function isEventStream(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'content-type') {
      return rawHeaders[i + 1].toLowerCase().startsWith('text/event-stream');
    }
  }
  return false;
}

type HeaderFields = Record<string, string | string[] | number | undefined>;

/** Whether a header is present, whatever the case of its name. */
export function hasHeader(headers: HeaderFields, lower: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lower);
}

/** A header's value (the first, lower-cased), whatever the case of its name. */
export function headerValue(
  headers: HeaderFields,
  lower: string,
): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== lower || value === undefined) continue;
    return String(Array.isArray(value) ? value[0] : value)
      .trim()
      .toLowerCase();
  }
  return undefined;
}

/** Removes a header under every case of its name. */
export function deleteHeader(headers: HeaderFields, lower: string): void {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === lower) delete headers[name];
  }
}

/** Sets a header, replacing it under whatever case it had. */
export function setHeader(
  headers: HeaderFields,
  name: string,
  value: string,
): void {
  deleteHeader(headers, name.toLowerCase());
  headers[name] = value;
}
