import type { CompatRule } from '../compat-rule';
import { headerText, headerTokens } from './rule-helpers';

/** The betas Copilot takes: what VS Code Copilot Chat sends. */
export const COPILOT_BETAS: ReadonlySet<string> = new Set([
  'interleaved-thinking-2025-05-14',
  'context-management-2025-06-27',
  'advanced-tool-use-2025-11-20',
]);

/**
 * M1: Copilot refuses `anthropic-beta` values it does not know — at least on the
 * Vertex-served share of Claude calls ("Unexpected value(s)
 * `prompt-caching-scope-2026-01-05` for the `anthropic-beta` header"). Claude Code
 * sends `claude-code-20250219`, `prompt-caching-scope-2026-01-05`,
 * `thinking-token-count-2026-05-13` and more on every call, so this is on by
 * default. The header keeps the values VS Code sends, de-duplicated, in the
 * client's order; with none left it is removed. Peers: Floway
 * `normalize-anthropic-beta.ts` (commit 3319d0c1), caozhiyuan
 * `buildAnthropicBetaHeader`. Contradicted by puxu ("the server ignores unknown
 * betas"), hence switchable (`-m1`). `extended-cache-ttl-2025-04-11` is not kept:
 * M3 strips `ttl`.
 */
export const filterAnthropicBeta: CompatRule = {
  id: 'm1',
  name: 'anthropic-beta',
  apis: ['messages', 'count_tokens'],
  apply({ headers }, edit) {
    if (headerText(headers, 'anthropic-beta') === undefined) return false;
    const sent = headerTokens(headers, 'anthropic-beta');
    const kept = [...new Set(sent.filter((beta) => COPILOT_BETAS.has(beta)))];
    if (kept.length === sent.length) return false;
    if (kept.length === 0) edit.deleteHeader('anthropic-beta');
    else edit.setHeader('anthropic-beta', kept.join(','));
    return true;
  },
};
