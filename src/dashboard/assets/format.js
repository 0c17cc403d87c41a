// Number and date wording for the usage page. Numbers use the browser's locale
// for separators; tokens are shortened to k/M/B, credits keep small amounts
// readable (Copilot bills fractions of an AIU per request).

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const upTo2 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const upTo1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const small = new Intl.NumberFormat(undefined, {
  maximumSignificantDigits: 3,
});

/** A count with thousands separators: 12,345. */
export function count(n) {
  return whole.format(n);
}

/** A count that may be fractional (premium requests × multipliers): 12.33. */
export function decimal(n) {
  return upTo2.format(n);
}

const UNITS = ['', 'k', 'M', 'B', 'T'];

/** Tokens: 999, 1.2k, 12.3k, 123k, 4.5M. */
export function tokens(n) {
  let value = n;
  let unit = 0;
  while (unit < UNITS.length - 1) {
    const digits = unit === 0 ? 0 : Math.abs(value) < 100 ? 1 : 0;
    const rounded = Number(value.toFixed(digits));
    if (Math.abs(rounded) < 1000) {
      return (digits === 1 ? upTo1 : whole).format(rounded) + UNITS[unit];
    }
    value /= 1000;
    unit += 1;
  }
  return whole.format(value) + UNITS[unit];
}

/** AI credits (AIU): 0, 0.00123, 0.5, 12.35, 1,234.5. */
export function credits(n) {
  if (n === 0) return '0';
  return (Math.abs(n) < 1 ? small : upTo2).format(n);
}

/** A share as a percentage: 87.5 %. */
export function percent(share) {
  return `${upTo1.format(share * 100)} %`;
}

const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const dateFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A history day (`YYYY-MM-DD`, UTC) on the chart's axis: Nov 24. */
export function day(date) {
  return dayFormat.format(new Date(`${date}T00:00:00Z`));
}

/** A calendar date from an ISO date or time: Dec 1, 2026. */
export function date(iso) {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso;
  const parsed = new Date(at);
  return Number.isNaN(parsed.getTime())
    ? String(iso)
    : dateFormat.format(parsed);
}

/** A local clock time: 14:03:27. */
export function time(at) {
  return timeFormat.format(at);
}

/** How long until `iso`: in 40 min, in 5 h, in 3 days. */
export function resetsIn(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.round((Date.parse(iso) - now) / 60_000));
  if (minutes < 60) return `in ${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.floor(hours / 24)} days`;
}
