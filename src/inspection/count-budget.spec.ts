import { CountBudget } from './count-budget';

describe('CountBudget', () => {
  it('counts exactly until the second’s budget is spent, then estimates, then counts again', () => {
    let now = 0;
    const budget = new CountBudget(100, () => now);
    const slow = () => {
      now += 60; // each exact count costs 60 ms
      return 7;
    };
    const estimate = () => 1;
    expect(budget.count(slow, estimate)).toEqual({ tokens: 7, exact: true });
    expect(budget.count(slow, estimate)).toEqual({ tokens: 7, exact: true });
    // 120 ms spent of 100: estimated, at no cost.
    expect(budget.count(slow, estimate)).toEqual({ tokens: 1, exact: false });
    expect(now).toBe(120);
    now = 1000;
    expect(budget.count(slow, estimate)).toEqual({ tokens: 7, exact: true });
  });

  it('gives each count what is left of the second: one count cannot pass the budget either', () => {
    let now = 0;
    const budget = new CountBudget(100, () => now);
    const given: number[] = [];
    const count = (ms: number) => {
      given.push(ms);
      now += 30;
      return 7;
    };
    budget.count(count, () => 1);
    budget.count(count, () => 1);
    expect(given).toEqual([100, 70]);
  });
});

describe('CountBudget on a loaded machine', () => {
  it('makes a count longer than a second wait its time back, at the budget’s rate', () => {
    let now = 0;
    const budget = new CountBudget(250, () => now);
    const estimate = () => 1;
    // One exact count took 2 s (a loaded machine): 2000 ms owed.
    const slow = () => {
      now += 2000;
      return 7;
    };
    expect(budget.count(slow, estimate).exact).toBe(true);
    // A second later 1750 ms are still owed: estimated, however long ago the
    // window began.
    now += 1000;
    expect(budget.count(slow, estimate)).toEqual({ tokens: 1, exact: false });
    // Paid back to under a second's budget after (2000 - 250) / 250 = 7 s.
    now = 2000 + 7001;
    expect(budget.count(() => 7, estimate)).toEqual({ tokens: 7, exact: true });
  });
});
