import type { CompatRule } from '../compat-rule';

/** Claude ids with the family's version: `claude-opus-4.7`, `claude-sonnet-5`, `claude-opus-4.8-fast`. */
const CLAUDE_VERSION = /^claude-[a-z]+-(\d+)(?:\.(\d+))?(?:$|-)/;

/** Whether the model is Claude 4.7 or later (where thinking is omitted by default). */
export function omitsThinkingByDefault(model: string | undefined): boolean {
  const match = model === undefined ? null : CLAUDE_VERSION.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  return major > 4 || (major === 4 && minor >= 7);
}

/** The name this rule goes by: the answer side filters the streams it applied to. */
export const THINKING_DISPLAY = 'thinking-display';

/**
 * G9/M11: Claude ≥ 4.7 streams no thinking text when `thinking.display` is
 * `"omitted"` (its default), so a long think sends no byte, and GitHub's path
 * drops a stream after about 60 s of silence ("Network connection lost",
 * "Stream idle timeout"; ericc-ch #223, copilot-extensions/user-feedback #2).
 * Claude Code asks for `omitted`. On a streamed `/v1/messages` call from the
 * client itself (not the bridge's), with thinking on, Copilot is asked for
 * `summarized` instead; the answer filter `hide-summarized-thinking` gives the
 * client only the signatures, so it sees what it asked for. Peers: Floway
 * `promote-thinking-display.ts` (commit `6b45e6a1`), caozhiyuan
 * `prepareMessagesApiPayload`. A display left unset on these models is the
 * same `omitted` and is promoted the same way.
 */
export const promoteThinkingDisplay: CompatRule = {
  id: 'g9',
  name: THINKING_DISPLAY,
  apis: ['messages'],
  apply({ body, model, translated }, edit) {
    if (translated || body?.stream !== true) return false;
    const thinking = body.thinking;
    if (typeof thinking !== 'object' || thinking === null) return false;
    const { type, display } = thinking as Record<string, unknown>;
    if (type !== 'enabled' && type !== 'adaptive') return false;
    if (display !== undefined && display !== 'omitted') return false;
    if (!omitsThinkingByDefault(model)) return false;
    edit.set(['thinking', 'display'], 'summarized');
    return true;
  },
};
