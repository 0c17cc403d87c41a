import { validateHeaderName, validateHeaderValue } from 'node:http';
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
 * already answered it), `X-Request-Id` with `X-Agent-Task-Id` (the proxy
 * sends the id it logs) and the client's W3C trace context (its traces are its
 * own, traced or not: SPEC §15).
 */
const DROPPED_UPSTREAM = new Set([
  'host',
  'authorization',
  'x-api-key',
  'expect',
  'x-request-id',
  'x-agent-task-id',
  'traceparent',
  'tracestate',
]);

/**
 * `OpenAI-Intent` and `X-Interaction-Type` when the client sent none: what
 * VS Code sends (COPILOT-QUIRKS §8.1, MO1) — `model-access` on `/models`,
 * `conversation-agent` on every other call. The inspector replaces the
 * interaction type of a background call (`conversation-subagent`,
 * `conversation-compaction`).
 */
export function intentOf(path: string): string {
  return /^\/models(?:[/?]|$)/.test(path)
    ? 'model-access'
    : 'conversation-agent';
}

/**
 * Headers that say which third-party tool, OS and runtime a client is, or which
 * installation and session it runs (Claude Code's `x-app`, `x-claude-code-*`, the
 * Stainless SDKs' `x-stainless-*`, Codex's `x-codex-*` with the `installation_id`
 * of `x-codex-turn-metadata`, its `originator`, `session-id`, `thread-id` and
 * `x-client-request-id`, opencode's `x-session-id` and `x-session-affinity`): kept
 * home, so upstream sees the editor the proxy presents, not a mix of tools and
 * their users' ids (SPEC §12). The client's `User-Agent` is replaced by the
 * editor's. The proxy reads them from the client's request before they are dropped
 * (background calls, `src/inspection/background-call.ts`).
 */
const CLIENT_IDENTITY =
  /^(x-stainless-|x-claude-code-|x-codex-)|^(x-app|anthropic-dangerous-direct-browser-access|user-agent|originator|session-id|thread-id|x-client-request-id|x-session-id|x-session-affinity)$/;

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
  path = '',
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
  const intent = intentOf(path);
  for (const name of ['openai-intent', 'x-interaction-type']) {
    if (!headers.has(name)) headers.add(name, name, intent);
  }
  headers.add('X-Request-Id', 'x-request-id', requestId);
  // VS Code: `headers['X-Agent-Task-Id'] = requestId`.
  headers.add('X-Agent-Task-Id', 'x-agent-task-id', requestId);
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
    const name = rawHeaders[i];
    if (name.length === 12 && name.toLowerCase() === 'content-type') {
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

/**
 * Drops every header Node would refuse to write (a name or value with a
 * character outside what HTTP allows), so that writing the head cannot throw —
 * in a stream callback nothing would catch it. Returns the names dropped.
 */
export function dropUnwritableHeaders(headers: HeaderFields): string[] {
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    try {
      validateHeaderName(name);
      for (const one of Array.isArray(value) ? value : [value])
        validateHeaderValue(name, String(one));
    } catch {
      delete headers[name];
      dropped.push(name);
    }
  }
  return dropped;
}
