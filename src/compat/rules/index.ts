import type { CompatRule } from '../compat-rule';
import { forceStoreFalse } from './force-store-false';
import { stripClientIdentityBridged } from './strip-client-identity-bridged';
import { stripClientIdentityClaudeCode } from './strip-client-identity-claude-code';
import { stripClientIdentityCodex } from './strip-client-identity-codex';

/**
 * Every request rule, in the order they run. Add a rule here with its file
 * and spec; its id becomes a `COMPAT_RULES` switch.
 */
export const REQUEST_RULES: readonly CompatRule[] = [
  forceStoreFalse,
  // Client identity stays home (SPEC §12): off with KEEP_CLIENT_IDENTITY=true.
  stripClientIdentityCodex,
  stripClientIdentityClaudeCode,
  stripClientIdentityBridged,
];
