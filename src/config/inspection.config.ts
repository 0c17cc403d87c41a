import { EnvReader } from './env-reader';

export const INITIATOR_MODES = ['auto', 'passthrough'] as const;

export function readInspectionConfig(env: EnvReader) {
  return {
    /**
     * `auto`: the model endpoints' JSON bodies are read to add `X-Initiator` and
     * `Copilot-Vision-Request`; `passthrough`: nothing is added.
     */
    initiator: env.oneOf('COPILOT_INITIATOR', INITIATOR_MODES, 'auto'),
    /** Bodies up to this size are read; larger ones stream through untouched. */
    maxBytes: env.integer('INSPECT_MAX_BYTES', 32 * 1024 * 1024, 0),
    /** Bytes all bodies read whole may hold together; past it bodies stream unread. */
    budgetBytes: env.integer('INSPECT_BUDGET_BYTES', 128 * 1024 * 1024, 0),
    /** What one client key's bodies may hold of that budget together. */
    keyShareBytes: env.integer('INSPECT_KEY_SHARE_BYTES', 32 * 1024 * 1024, 0),
    /**
     * Bytes all answers held whole on their way (usage of a JSON answer, the
     * response cache's copy, a translated answer) may take together; past it an
     * answer is metered by estimate and not stored.
     */
    answerBudgetBytes: env.integer('ANSWER_BUDGET_BYTES', 64 * 1024 * 1024, 0),
  };
}
export type InspectionConfig = ReturnType<typeof readInspectionConfig>;
