import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

const IS_PUBLIC = 'copilot-proxy:public';

/**
 * The service's own endpoints (probes, metrics): no client key, no rate limit, so
 * a kubelet or a Prometheus scraper never needs a secret or meets a 429.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Whether the handler about to run is one of the service's own endpoints. */
export function isPublic(
  reflector: Reflector,
  context: ExecutionContext,
): boolean {
  return (
    reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]) ?? false
  );
}
