import type { ClientKey } from '../auth/client-keys';
import type { Amounts, Limits } from './usage-store';

/** 1 AIU = 1e9 nano-AIU, as Copilot reports credits. */
export const NANO_PER_AIU = 1e9;

export type BudgetKind = 'tokens' | 'premiumRequests' | 'credits';

export interface Budget {
  kind: BudgetKind;
  limit: number;
  used: number;
  remaining: number;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** A key's quota as the store's limits (credits in nano-AIU). */
export function limitsOf(quota: NonNullable<ClientKey['quota']>): Limits {
  return {
    ...(quota.premiumRequests !== undefined && {
      premiumRequests: quota.premiumRequests,
    }),
    ...(quota.tokens !== undefined && { tokens: quota.tokens }),
    ...(quota.credits !== undefined && {
      nanoAiu: quota.credits * NANO_PER_AIU,
    }),
  };
}

/** The key's budgets against what it used (and what is in flight), credits in AIU. */
export function budgetsOf(
  quota: NonNullable<ClientKey['quota']>,
  used: Amounts,
): Budget[] {
  const budgets: Budget[] = [];
  const add = (kind: BudgetKind, limit: number | undefined, spent: number) => {
    if (limit === undefined) return;
    budgets.push({
      kind,
      limit,
      used: round(spent),
      remaining: Math.max(0, round(limit - spent)),
    });
  };
  add('tokens', quota.tokens, used.tokens);
  add('premiumRequests', quota.premiumRequests, used.premiumRequests);
  add('credits', quota.credits, used.nanoAiu / NANO_PER_AIU);
  return budgets;
}

/** The budget with the least left, by share of its limit. */
export function tightest(budgets: Budget[]): Budget {
  return budgets.reduce((a, b) =>
    b.remaining / (b.limit || 1) < a.remaining / (a.limit || 1) ? b : a,
  );
}

export const BUDGET_WORDS: Record<BudgetKind, string> = {
  tokens: 'tokens',
  premiumRequests: 'premium requests',
  credits: 'AI credits',
};

export const KIND_OF_AMOUNT: Record<keyof Amounts, BudgetKind> = {
  tokens: 'tokens',
  premiumRequests: 'premiumRequests',
  nanoAiu: 'credits',
};
