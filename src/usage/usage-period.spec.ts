import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Period, PERIODS, periodWindow, PeriodWindow } from './usage-period';

const ms = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;
const ZONES = [
  'UTC',
  'Pacific/Kiritimati',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
];
interface ZoneResult {
  localDate: number;
  day: PeriodWindow;
  month: PeriodWindow;
  dstDays: PeriodWindow[];
}

describe('periodWindow', () => {
  it('knows the two periods', () => {
    expect(PERIODS).toEqual(['day', 'month']);
  });

  it.each<[string, Period, string, string, string, string]>([
    // case, period, now, key, start, resetsAt
    [
      'a day',
      'day',
      '2026-11-24T13:45:10.123Z',
      '2026-11-24',
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ],
    [
      'a month',
      'month',
      '2026-11-24T13:45:10.123Z',
      '2026-11',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ],
    [
      'a day at its very start',
      'day',
      '2026-11-24T00:00:00.000Z',
      '2026-11-24',
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ],
    [
      'a day at its last millisecond',
      'day',
      '2026-11-24T23:59:59.999Z',
      '2026-11-24',
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ],
    [
      'a month at its very start',
      'month',
      '2026-11-01T00:00:00.000Z',
      '2026-11',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ],
    [
      'a single-digit month and day',
      'day',
      '2026-03-05T08:00:00.000Z',
      '2026-03-05',
      '2026-03-05T00:00:00.000Z',
      '2026-03-06T00:00:00.000Z',
    ],
    [
      'the last day of a year',
      'day',
      '2026-12-31T23:59:59.999Z',
      '2026-12-31',
      '2026-12-31T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'the first day of a year',
      'day',
      '2027-01-01T00:00:00.000Z',
      '2027-01-01',
      '2027-01-01T00:00:00.000Z',
      '2027-01-02T00:00:00.000Z',
    ],
    [
      'December',
      'month',
      '2026-12-31T23:59:59.999Z',
      '2026-12',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'January after it',
      'month',
      '2027-01-01T00:00:00.000Z',
      '2027-01',
      '2027-01-01T00:00:00.000Z',
      '2027-02-01T00:00:00.000Z',
    ],
    [
      'February 28th of a leap year',
      'day',
      '2028-02-28T12:00:00.000Z',
      '2028-02-28',
      '2028-02-28T00:00:00.000Z',
      '2028-02-29T00:00:00.000Z',
    ],
    [
      'February 29th',
      'day',
      '2028-02-29T23:59:59.999Z',
      '2028-02-29',
      '2028-02-29T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ],
    [
      'a leap February',
      'month',
      '2028-02-29T18:00:00.000Z',
      '2028-02',
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ],
    [
      'February 28th of a common year',
      'day',
      '2027-02-28T12:00:00.000Z',
      '2027-02-28',
      '2027-02-28T00:00:00.000Z',
      '2027-03-01T00:00:00.000Z',
    ],
    // Instants written with an offset: the window is still the UTC one.
    [
      'just before UTC midnight, written at +02:00 (the next day there)',
      'day',
      '2026-11-25T01:59:59.999+02:00',
      '2026-11-24',
      '2026-11-24T00:00:00.000Z',
      '2026-11-25T00:00:00.000Z',
    ],
    [
      'just after UTC midnight, written at -05:00 (the day before there)',
      'day',
      '2026-11-24T19:00:00.000-05:00',
      '2026-11-25',
      '2026-11-25T00:00:00.000Z',
      '2026-11-26T00:00:00.000Z',
    ],
    [
      'just before the UTC month end, written at +14:00',
      'month',
      '2026-12-01T13:59:59.999+14:00',
      '2026-11',
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ],
    [
      'just before the UTC year end, written at +09:00',
      'month',
      '2027-01-01T08:59:59.999+09:00',
      '2026-12',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'the UTC new year, written at -08:00 (still December there)',
      'day',
      '2026-12-31T16:00:00.000-08:00',
      '2027-01-01',
      '2027-01-01T00:00:00.000Z',
      '2027-01-02T00:00:00.000Z',
    ],
  ])('gives %s', (_case, period, now, key, start, resetsAt) => {
    expect(periodWindow(period, ms(now))).toEqual({
      period,
      key,
      start: ms(start),
      resetsAt: ms(resetsAt),
    });
  });

  it.each([
    ['2027-02-10T00:00:00Z', 28],
    ['2028-02-10T00:00:00Z', 29],
    ['2026-04-30T23:59:59Z', 30],
    ['2026-08-31T23:59:59Z', 31],
  ])('makes the month of %s %i days long', (now, days) => {
    const window = periodWindow('month', ms(now));
    expect(window.resetsAt - window.start).toBe(days * DAY);
  });

  it('uses UTC days and months whatever the process time zone', () => {
    // Jest keeps its own copy of process.env, so the zones are switched in a
    // plain Node process that loads this very module.
    const script = `
      const { periodWindow } = require(${JSON.stringify(require.resolve('./usage-period'))});
      const now = Date.parse('2026-11-30T23:30:00.000Z');
      const out = {};
      for (const zone of ${JSON.stringify(ZONES)}) {
        process.env.TZ = zone;
        out[zone] = {
          localDate: new Date(now).getDate(),
          day: periodWindow('day', now),
          month: periodWindow('month', now),
          dstDays: ['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01'].map(
            (d) => periodWindow('day', Date.parse(d + 'T12:00:00Z')),
          ),
        };
      }
      process.stdout.write(JSON.stringify(out));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ['-r', 'ts-node/register', '-e', script], {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
        encoding: 'utf8',
        timeout: 30_000,
      }),
    ) as Record<string, ZoneResult>;
    // 23:30 UTC on November 30th: already December 1st in Kiritimati (UTC+14)
    // and Kolkata (UTC+05:30), but the windows are UTC's.
    expect(out['Pacific/Kiritimati'].localDate).toBe(1);
    expect(out['Asia/Kolkata'].localDate).toBe(1);
    expect(out['America/Los_Angeles'].localDate).toBe(30);
    for (const zone of ZONES) {
      expect(out[zone].day).toEqual({
        period: 'day',
        key: '2026-11-30',
        start: ms('2026-11-30T00:00:00.000Z'),
        resetsAt: ms('2026-12-01T00:00:00.000Z'),
      });
      expect(out[zone].month).toEqual({
        period: 'month',
        key: '2026-11',
        start: ms('2026-11-01T00:00:00.000Z'),
        resetsAt: ms('2026-12-01T00:00:00.000Z'),
      });
      // The US and the EU change their clocks on these days; UTC days do not.
      for (const window of out[zone].dstDays) {
        expect(window.resetsAt - window.start).toBe(DAY);
      }
      expect(out[zone].dstDays.map((w) => w.key)).toEqual([
        '2026-03-08',
        '2026-03-29',
        '2026-10-25',
        '2026-11-01',
      ]);
    }
  });

  it.each<Period>(['day', 'month'])(
    'tiles 2026 to 2028 with %s windows that follow each other',
    (period) => {
      const keys: string[] = [];
      let window = periodWindow(period, ms('2026-01-01T00:00:00Z'));
      while (window.start < ms('2029-01-01T00:00:00Z')) {
        keys.push(window.key);
        // The last millisecond is still this window; its reset opens the next.
        expect(periodWindow(period, window.resetsAt - 1)).toEqual(window);
        const next = periodWindow(period, window.resetsAt);
        expect(next.start).toBe(window.resetsAt);
        expect(next.key > window.key).toBe(true);
        window = next;
      }
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(period === 'day' ? 365 + 365 + 366 : 36);
      const format = period === 'day' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}$/;
      for (const key of keys) expect(key).toMatch(format);
    },
  );
});
