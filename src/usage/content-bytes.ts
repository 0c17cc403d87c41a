const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON keys whose string values are what a model wrote, in every answer shape. */
const CONTENT_KEYS = [
  '"content":"',
  '"text":"',
  '"delta":"',
  '"partial_json":"',
  '"arguments":"',
  '"thinking":"',
].map((key) => Buffer.from(key));

/**
 * Bytes of generated text in a piece of an answer: the string values of
 * `content`, `text`, `delta`, `partial_json`, `arguments` and `thinking`, found
 * with native searches, no parsing. What the completion of an answer that never
 * reported its usage is estimated from (a string cut at the end of `bytes`
 * counts up to there).
 */
export function contentBytes(bytes: Buffer): number {
  let total = 0;
  for (const key of CONTENT_KEYS) {
    let at = bytes.indexOf(key);
    while (at !== -1) {
      const start = at + key.length;
      const end = closingQuote(bytes, start);
      total += end - start;
      at = bytes.indexOf(key, end);
    }
  }
  return total;
}

/** The index of the quote ending a JSON string that starts at `from`. */
function closingQuote(bytes: Buffer, from: number): number {
  let at = bytes.indexOf(QUOTE, from);
  while (at !== -1) {
    let slashes = 0;
    while (bytes[at - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  return bytes.length;
}
