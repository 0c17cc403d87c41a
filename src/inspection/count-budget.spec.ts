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
    const count = (deadline: number) => {
      given.push(deadline - now);
      now += 30;
      return 7;
    };
    budget.count(count, () => 1);
    budget.count(count, () => 1);
    expect(given).toEqual([100, 70]);
  });

  it('gives one count at most maxMsPerCount, however much of the second is left', () => {
    const now = 0;
    const budget = new CountBudget(1000, () => now, 150);
    let deadline = NaN;
    budget.count(
      (at) => ((deadline = at), 7),
      () => 1,
    );
    expect(deadline).toBe(150);
  });

  it('counts the time since the body was in hand against the deadline and the budget', () => {
    // The body was in hand at 0; its parse took until 30.
    let now = 30;
    const budget = new CountBudget(250, () => now, 200);
    const deadlines: number[] = [];
    const count = (deadline: number) => {
      deadlines.push(deadline);
      now = deadline; // it ran to its deadline
      return 7;
    };
    budget.count(count, () => 1, 0);
    // 200 ms from 0, not from 30.
    expect(deadlines).toEqual([200]);
    // 200 ms charged, not 170: 50 left of the second for the next.
    budget.count(count, () => 1, 200);
    expect(deadlines).toEqual([200, 250]);
  });

  it('never charges twice the time before an earlier count ended', () => {
    let now = 0;
    const budget = new CountBudget(250, () => now, 200);
    const deadlines: number[] = [];
    const count = (deadline: number) => {
      deadlines.push(deadline);
      now += 100;
      return 7;
    };
    budget.count(count, () => 1);
    // Started at 50, while the first count ran (it ended at 100).
    budget.count(count, () => 1, 50);
    expect(deadlines).toEqual([200, 100 + 150]);
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
