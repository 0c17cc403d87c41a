import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DASHBOARD_CSP,
  DASHBOARD_HEADERS,
  DashboardHeadersMiddleware,
} from './security-headers';

describe('the dashboard security headers', () => {
  it('allow only the proxy itself: no inline code, no framing, no form that navigates', () => {
    const directives = Object.fromEntries(
      DASHBOARD_CSP.split('; ').map((d) => {
        const [name, ...values] = d.split(' ');
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|\*|https?:|data:/);
  });

  it('are all set on the answer before the route runs', () => {
    const set: Record<string, string> = {};
    const res = {
      setHeader: (name: string, value: string) => (set[name] = value),
    } as unknown as ServerResponse;
    const next = jest.fn(() => {
      // The route sees them already in place.
      expect(set).toEqual(DASHBOARD_HEADERS);
    });
    new DashboardHeadersMiddleware().use({} as IncomingMessage, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(set).toMatchObject({
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
  });
});
