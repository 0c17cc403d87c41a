import type { CompatRule } from '../compat-rule';
import { removeTopLevel } from './rule-helpers';

/**
 * R2: `/responses` refuses `service_tier` (Jer-y's live matrix
 * `responses-service-tier-auto-unsupported`; Floway `strip-service-tier.ts`,
 * commit 9ec0a585 "The /responses target still rejects service_tier"; caozhiyuan
 * nulls it). Removed. (Chat takes and ignores it, C6: left alone there.)
 */
export const stripServiceTier: CompatRule = {
  id: 'r2',
  name: 'service_tier',
  apis: ['responses'],
  apply: removeTopLevel('service_tier'),
};
