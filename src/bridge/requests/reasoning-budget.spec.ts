import {
  budgetForEffort,
  chatThinkingBudget,
  effortForBudget,
} from './reasoning-budget';

describe('reasoning-budget', () => {
  it.each([
    [1024, 'low'],
    [4096, 'low'],
    [4097, 'medium'],
    [16384, 'medium'],
    [16385, 'high'],
    [31999, 'high'],
  ])('a budget of %i tokens is %s effort', (budget, effort) => {
    expect(effortForBudget(budget)).toBe(effort);
  });

  it.each([
    ['minimal', 1024],
    ['low', 4096],
    ['medium', 16384],
    ['high', 32000],
    ['xhigh', 32000],
  ] as const)('%s effort is a budget of %i', (effort, budget) => {
    expect(budgetForEffort(effort)).toBe(budget);
  });

  it('keeps the bucket on a round trip from effort', () => {
    for (const effort of ['low', 'medium', 'high'] as const) {
      expect(effortForBudget(budgetForEffort(effort))).toBe(effort);
    }
  });

  it.each([
    [31999, 32000, 31999],
    [50000, undefined, 32000],
    [50000, 64000, 32000],
    [500, 32000, 1024],
    [20000, 8000, 7999],
    [20000, 1024, undefined],
  ])(
    'a chat thinking budget of %i with max_tokens %s is %s',
    (budget, maxTokens, expected) => {
      expect(chatThinkingBudget(budget, maxTokens)).toBe(expected);
    },
  );
});
