import type { CompatRule } from '../compat-rule';
import { addContextManagementBeta } from './add-context-management-beta';
import { assistantOutputText } from './assistant-output-text';
import { fillNamespaceDescription } from './fill-namespace-description';
import { fillThinkingText } from './fill-thinking-text';
import { fillToolProperties } from './fill-tool-properties';
import { filterAnthropicBeta } from './filter-anthropic-beta';
import { foldInlineSystem } from './fold-inline-system';
import { forceStoreFalse } from './force-store-false';
import { maxCompletionTokens } from './max-completion-tokens';
import { moveTopLevelCacheControl } from './move-top-level-cache-control';
import { raiseMaxOutputTokens } from './raise-max-output-tokens';
import { reasoningEffortLow } from './reasoning-effort-low';
import { refuseServerState } from './refuse-server-state';
import { stripBackground } from './strip-background';
import { stripBillingHeader } from './strip-billing-header';
import { stripCacheControlScope } from './strip-cache-control-scope';
import { stripCacheControlTtl } from './strip-cache-control-ttl';
import { stripEagerInputStreaming } from './strip-eager-input-streaming';
import { stripImageGeneration } from './strip-image-generation';
import { stripInferenceGeo } from './strip-inference-geo';
import { stripInternalKeys } from './strip-internal-keys';
import { stripServiceTier } from './strip-service-tier';
import { stripSpeed } from './strip-speed';
import { stripToolResultCacheControl } from './strip-tool-result-cache-control';
import { promoteThinkingDisplay } from './promote-thinking-display';
import { stripClientIdentityBridged } from './strip-client-identity-bridged';
import { stripClientIdentityClaudeCode } from './strip-client-identity-claude-code';
import { stripClientIdentityCodex } from './strip-client-identity-codex';

/**
 * Every request rule, in the order they run. Add a rule here with its file
 * and spec; its id becomes a `COMPAT_RULES` switch. A rule that refuses
 * (`r3`) runs first, so nothing is done for a request that does not go.
 */
export const REQUEST_RULES: readonly CompatRule[] = [
  // /responses
  refuseServerState,
  forceStoreFalse,
  stripServiceTier,
  stripBackground,
  stripImageGeneration,
  fillNamespaceDescription,
  stripInternalKeys,
  raiseMaxOutputTokens,
  assistantOutputText,
  reasoningEffortLow,
  // /v1/messages and count_tokens (headers first: M7 adds to what M1 kept)
  filterAnthropicBeta,
  addContextManagementBeta,
  stripCacheControlScope,
  stripCacheControlTtl,
  moveTopLevelCacheControl,
  stripToolResultCacheControl,
  stripEagerInputStreaming,
  foldInlineSystem,
  fillThinkingText,
  stripSpeed,
  stripInferenceGeo,
  // /v1/messages, count_tokens and /chat/completions
  stripBillingHeader,
  // /chat/completions
  maxCompletionTokens,
  fillToolProperties,
  // /v1/messages: thinking that keeps the stream alive (G9, M11)
  promoteThinkingDisplay,
  // Client identity stays home (SPEC §12): off with KEEP_CLIENT_IDENTITY=true.
  stripClientIdentityCodex,
  stripClientIdentityClaudeCode,
  stripClientIdentityBridged,
];
