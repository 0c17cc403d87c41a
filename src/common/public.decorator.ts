import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'copilot-proxy:public';

/**
 * The service's own endpoints (probes, metrics): no client key, no rate limit, so
 * a kubelet or a Prometheus scraper never needs a secret or meets a 429.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
