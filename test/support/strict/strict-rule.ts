import type { ReasoningLedger } from './strict-reasoning';
import type { Refusal, StrictRequest } from './strict-refusals';

/** The paths of the Copilot API the rules look at. */
export const MESSAGES = '/v1/messages';
export const COUNT_TOKENS = '/v1/messages/count_tokens';
export const CHAT = '/chat/completions';
export const RESPONSES = '/responses';
export const EMBEDDINGS = '/embeddings';

/** One rule of the catalogue (`COPILOT-QUIRKS.md`) the strict fake enforces. */
export interface StrictRule {
  /** The catalogue id in lower case (`m2`, `c1`, `r1`), a suffix for a part (`m10-signature`). */
  id: string;
  /** The paths it looks at. */
  paths: readonly string[];
  /**
   * A contradictory rule (catalogue §10): off unless a test turns it on with
   * `rules: {<id>: true}`.
   */
  optIn?: boolean;
  /** The refusal, or undefined when the request keeps the rule. */
  check(request: StrictRequest, ledger: ReasoningLedger): Refusal | undefined;
}
