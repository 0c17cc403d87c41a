import type { CompatRule } from '../compat-rule';
import { forceStoreFalse } from './force-store-false';

/**
 * Every request rule, in the order they run. Add a rule here with its file
 * and spec; its id becomes a `COMPAT_RULES` switch.
 */
export const REQUEST_RULES: readonly CompatRule[] = [forceStoreFalse];
