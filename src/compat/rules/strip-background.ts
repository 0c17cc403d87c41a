import type { CompatRule } from '../compat-rule';
import { removeTopLevel } from './rule-helpers';

/**
 * R3 (background): Copilot's Responses keeps no state, so `background` mode
 * (answer later, fetched by id) is refused, with or without `stream` (Jer-y's
 * live matrix `responses-background-unsupported`,
 * `responses-background-stream-unsupported`; the caozhiyuan-lineage handler
 * refuses it up front). Removed: the answer comes on this request instead.
 * Switched as `r3b` (`r3` is the refusal of `previous_response_id`).
 */
export const stripBackground: CompatRule = {
  id: 'r3b',
  name: 'background',
  apis: ['responses'],
  apply: removeTopLevel('background'),
};
