import type { CompatRule } from '../compat-rule';
import { isObject } from './rule-helpers';

/**
 * R14: `/responses` refuses `reasoning.effort: "minimal"` (Jer-y's live matrix
 * `responses-reasoning-effort-minimal-unsupported`; caozhiyuan maps `minimal`
 * to `low`). Sent as `low`, the least effort Copilot's models list.
 */
export const reasoningEffortLow: CompatRule = {
  id: 'r14',
  name: 'reasoning.effort',
  apis: ['responses'],
  apply({ body }, edit) {
    const reasoning = body?.reasoning;
    if (!isObject(reasoning) || reasoning.effort !== 'minimal') return false;
    edit.set(['reasoning', 'effort'], 'low');
    return true;
  },
};
