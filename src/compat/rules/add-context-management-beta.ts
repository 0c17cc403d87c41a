import type { CompatRule } from '../compat-rule';
import { headerTokens } from './rule-helpers';

const BETA = 'context-management-2025-06-27';

/**
 * M7: a body with `context_management` and no `anthropic-beta:
 * context-management-2025-06-27` is refused ("context_management: Extra inputs
 * are not permitted"), deterministically on Vertex and Bedrock (Floway commit
 * 12778028, probed 40+ times, 2026-06-06). Claude Code sends the field on every
 * call; the beta is added to the header when missing (after M1's filter).
 */
export const addContextManagementBeta: CompatRule = {
  id: 'm7',
  name: 'context-management-beta',
  apis: ['messages', 'count_tokens'],
  apply({ body, headers }, edit) {
    if (body?.context_management == null) return false;
    const betas = headerTokens(headers, 'anthropic-beta');
    if (betas.includes(BETA)) return false;
    edit.setHeader('anthropic-beta', [...betas, BETA].join(','));
    return true;
  },
};
