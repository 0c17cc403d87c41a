import {
  CLOCK_STEP,
  COUNT_LIMITS,
  countWithinBudget,
  pieceCost,
} from './budgeted-count';
import {
  drawn,
  halves,
  halvesOf,
  o200k,
  PROSE,
  spy,
  timed,
} from './__fixtures__/encoders';

describe('countWithinBudget', () => {
  describe('a deadline: each count bounded in time, not only by the cost model', () => {
    it.each([
      ['among words', 100_000],
      ['inside an unbroken CJK run', 700_000],
    ])(
      'passes it by at most one clock step and one part, however slow a piece is: %s',
      (_name, deadline) => {
        const { encoder, clock } = timed();
        // 550,000 of cost in words, then a run.
        const text = 'word '.repeat(10_000) + drawn(10_000, 0x4e00, 0x9fff);
        const count = countWithinBudget([text], encoder, {
          ...COUNT_LIMITS,
          budget: Infinity,
          deadline,
          now: () => clock.now,
        });
        expect(clock.now).toBeGreaterThanOrEqual(deadline);
        expect(clock.now).toBeLessThanOrEqual(
          deadline + CLOCK_STEP + pieceCost(COUNT_LIMITS.maxPiece),
        );
        expect(count).toBeGreaterThan(0);
      },
    );

    it('looks at the clock after every part of a long piece', () => {
      const { encoder, clock } = timed();
      let looks = 0;
      countWithinBudget(['中'.repeat(85 * 10)], encoder, {
        ...COUNT_LIMITS,
        budget: Infinity,
        deadline: Infinity,
        now: () => (looks++, clock.now),
      });
      // Ten parts of 85 characters (255 bytes).
      expect(looks).toBe(10);
    });

    it('stops at the first look at the clock past the deadline, and estimates the rest', () => {
      const { encoder, seen } = spy(halves);
      let looks = 0;
      const text = 'abc '.repeat(200_000);
      const count = countWithinBudget([text, 'more text'], encoder, {
        ...COUNT_LIMITS,
        deadline: 10,
        // The clock passes the deadline on its second look.
        now: () => (++looks === 1 ? 0 : 10),
      });
      expect(looks).toBe(2);
      const handed = seen.join('').length;
      // Two looks, each after CLOCK_STEP of cost (pieces of 3–4 bytes).
      expect(handed).toBeLessThan(((2 * CLOCK_STEP) / pieceCost(3)) * 4 + 8);
      expect(handed).toBeGreaterThan(0);
      // Counted exactly so far (the text cut at piece boundaries), the rest estimated.
      const rest = text.length - handed + 'more text'.length;
      expect(count).toBe(
        halvesOf(seen) + Math.round((rest * halvesOf(seen)) / handed),
      );
    });

    it('counts exactly while the deadline is not reached', () => {
      expect(
        countWithinBudget([PROSE.repeat(100)], o200k, {
          ...COUNT_LIMITS,
          deadline: 1,
          now: () => 0,
        }),
      ).toBe(o200k.count(PROSE.repeat(100)));
    });
  });
});
