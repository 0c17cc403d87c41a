import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The page's Content-Security-Policy: everything from the proxy itself, no inline
 * script or style, no plugins, no `<base>`, and no form that navigates — so even a
 * page whose script failed cannot send the key field anywhere in a URL.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent on every answer under `/dashboard`, errors included. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Sets {@link DASHBOARD_HEADERS} before any dashboard route (or its error) answers. */
@Injectable()
export class DashboardHeadersMiddleware implements NestMiddleware {
  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    for (const [name, value] of Object.entries(DASHBOARD_HEADERS))
      res.setHeader(name, value);
    next();
  }
}
