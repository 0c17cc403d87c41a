export type Period = 'day' | 'month';
export const PERIODS: readonly Period[] = ['day', 'month'];

/** A UTC period: its key (`2026-11-24`, `2026-11`), start and reset, in ms. */
export interface PeriodWindow {
  period: Period;
  key: string;
  start: number;
  resetsAt: number;
}

/** The window each period was last asked for: the same for every call inside it. */
const last: Partial<Record<Period, PeriodWindow>> = {};

/** The period's window around `now` (the same object while `now` stays inside it). */
export function periodWindow(period: Period, now: number): PeriodWindow {
  const cached = last[period];
  if (cached && now >= cached.start && now < cached.resetsAt) return cached;
  return (last[period] = Object.freeze(windowAround(period, now)));
}

function windowAround(period: Period, now: number): PeriodWindow {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (period === 'day') {
    const start = Date.UTC(y, m, d.getUTCDate());
    return {
      period,
      key: new Date(start).toISOString().slice(0, 10),
      start,
      resetsAt: start + 86_400_000,
    };
  }
  const start = Date.UTC(y, m, 1);
  return {
    period,
    key: new Date(start).toISOString().slice(0, 7),
    start,
    resetsAt: Date.UTC(y, m + 1, 1),
  };
}
