import type { IncomingMessage } from 'node:http';
import type { UpstreamRequest } from '../copilot/copilot-client';
import { ProxyError } from '../errors/proxy-error';
import type { RequestContext } from '../request-context/request-context';
import { deleteHeader, upstreamRequestHeaders } from '../http/header-policy';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * The first stage: what to send upstream for a client request — method, path
 * (with the `/v1` alias), headers by the header policy, and the body as a stream
 * of the client's bytes. Refuses what must never leave the proxy.
 */
export function buildUpstreamRequest(
  context: RequestContext,
  req: IncomingMessage,
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
  if (path === undefined) throw new ProxyError('invalid_request_target');
  const hasBody =
    req.headers['content-length'] !== undefined ||
    req.headers['transfer-encoding'] !== undefined;
  const headers = upstreamRequestHeaders(req.rawHeaders, context.id);
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
