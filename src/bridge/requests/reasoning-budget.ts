import type { ReasoningEffort } from '../ir';

/**
 * Thinking budgets (Anthropic `budget_tokens`, Copilot chat `thinking_budget`)
 * and OpenAI efforts, mapped both ways with one table so a round trip keeps the
 * bucket: a budget up to 4,096 tokens is `low`, up to 16,384 `medium`, above
 * that `high` (Claude Code's default 31,999 is `high`).
 */
const LOW_MAX = 4096;
const MEDIUM_MAX = 16384;

export function effortForBudget(budgetTokens: number): ReasoningEffort {
  if (budgetTokens <= LOW_MAX) return 'low';
  if (budgetTokens <= MEDIUM_MAX) return 'medium';
  return 'high';
}

const BUDGET_FOR_EFFORT: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: LOW_MAX,
  medium: MEDIUM_MAX,
  high: 32000,
  xhigh: 32000,
};

export function budgetForEffort(effort: ReasoningEffort): number {
  return BUDGET_FOR_EFFORT[effort];
}

/**
 * Copilot's chat API takes `thinking_budget` for Claude between 1,024 and 32,000
 * and below `max_tokens` (what VS Code's Copilot Chat sends); undefined when
 * `max_tokens` leaves no room for the minimum.
 */
export const CHAT_THINKING_BUDGET = { min: 1024, max: 32000 } as const;

export function chatThinkingBudget(
  budgetTokens: number,
  maxOutputTokens: number | undefined,
): number | undefined {
  const ceiling =
    maxOutputTokens === undefined
      ? CHAT_THINKING_BUDGET.max
      : Math.min(CHAT_THINKING_BUDGET.max, maxOutputTokens - 1);
  if (ceiling < CHAT_THINKING_BUDGET.min) return undefined;
  return Math.min(Math.max(budgetTokens, CHAT_THINKING_BUDGET.min), ceiling);
}
