import type { IncomingMessage } from 'node:http';
import type { UpstreamRequest } from '../copilot/copilot-client';
import { ProxyError } from '../errors/proxy-error';
import type { RequestContext } from '../request-context/request-context';
import { isModelPath } from '../request-context/request-target';
import {
  deleteHeader,
  UpstreamHeaderPolicy,
  upstreamRequestHeaders,
} from '../http/header-policy';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * The first stage: what to send upstream for a client request — method, path
 * (with the `/v1` alias), headers by the header policy, and the body as a stream
 * of the client's bytes. Refuses what must never leave the proxy.
 */
export function buildUpstreamRequest(
  context: RequestContext,
  req: IncomingMessage,
  policy: UpstreamHeaderPolicy,
): UpstreamRequest {
  const method = req.method ?? 'GET';
  if (method === 'TRACE' || method === 'CONNECT') {
    // TRACE would reflect the request, injected token included, back to the client.
    throw new ProxyError('method_not_allowed', {
      message: `${method} is not allowed through this proxy`,
      headers: { allow: ALLOWED_METHODS },
    });
  }
  const path = context.target.upstreamPath;
  if (path === undefined) throw refusal(context);
  if (method !== 'POST' && isModelPath(path)) {
    // A model endpoint takes POST only; anything else would pass unmetered.
    throw new ProxyError('method_not_allowed', {
      message: `${method} is not served on a model endpoint: it takes POST`,
      headers: { allow: 'POST' },
    });
  }
  if (context.route === 'service') {
    // The proxy's own paths (`/`, `/usage`, …) answer GET; nothing else of them goes upstream.
    throw new ProxyError('method_not_allowed', {
      message: `${method} is not served on this path: it is the proxy's own`,
      headers: { allow: 'GET, HEAD' },
    });
  }
  const hasBody =
    req.headers['content-length'] !== undefined ||
    req.headers['transfer-encoding'] !== undefined;
  const length = Number(req.headers['content-length']);
  if (Number.isSafeInteger(length)) context.requestBytes = length;
  const headers = upstreamRequestHeaders(
    req.rawHeaders,
    context.id,
    policy,
    path,
  );
  // Model answers are read for usage as they pass: they must come uncompressed.
  if (context.endpoint !== undefined) deleteHeader(headers, 'accept-encoding');
  return {
    method,
    path,
    headers,
    body: hasBody ? req : undefined,
    signal: context.signal,
  };
}

/** Why a request target is not proxied, in the words its client needs. */
function refusal(context: RequestContext): ProxyError {
  switch (context.target.refusal) {
    case 'not-canonical':
      return new ProxyError('non_canonical_path');
    case 'doubled-v1':
      return new ProxyError('doubled_v1', {
        message:
          context.route === 'messages'
            ? "The path starts with /v1/v1: ANTHROPIC_BASE_URL must not end in /v1 (the Anthropic SDK and Claude Code add /v1/messages themselves); set it to the proxy's address alone, e.g. http://127.0.0.1:8080"
            : undefined,
      });
    default:
      return new ProxyError('invalid_request_target');
  }
}
