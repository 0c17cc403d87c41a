import type { CompatRule } from '../compat-rule';
import { removeTopLevel } from './rule-helpers';

/**
 * M16: `inference_geo` is refused (puxu `anthropic/request-preparation.ts` lists
 * it among `COPILOT_REJECTED_FIELDS`; no error text captured). Removed: Copilot
 * decides where a call is served. (`service_tier` is accepted on Messages,
 * Floway commit 9ec0a585, and left alone.)
 */
export const stripInferenceGeo: CompatRule = {
  id: 'm16',
  name: 'inference_geo',
  apis: ['messages', 'count_tokens'],
  apply: removeTopLevel('inference_geo'),
};
