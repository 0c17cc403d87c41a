/** Characters a POSIX shell takes literally in a word, wherever they stand. */
const PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;

/**
 * `value` as one shell word that expands to itself: as it is when that is safe,
 * else single-quoted (`'` written as `'\''`).
 */
export function shellQuote(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
