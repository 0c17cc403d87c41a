import type { CompatRule } from '../compat-rule';
import { removeTopLevel } from './rule-helpers';

/**
 * M15: Copilot does not understand `speed: "fast"` (Fast Mode is a separate raw
 * model id, `claude-opus-4.6-fast`) and never echoes `usage.speed`. Floway
 * `handle-speed-fast.ts` strips it (commit f6be8b44, #108, 2026-06-25). Removed:
 * the call is served at the model's normal speed.
 */
export const stripSpeed: CompatRule = {
  id: 'm15',
  name: 'speed',
  apis: ['messages', 'count_tokens'],
  apply: removeTopLevel('speed'),
};
