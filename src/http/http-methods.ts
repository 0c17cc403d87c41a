/** The methods HTTP defines: anything else is counted and traced as "other". */
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'CONNECT',
]);

/** Whether `method` is one HTTP defines (a client may send any token). */
export const isKnownMethod = (method: string): boolean =>
  KNOWN_METHODS.has(method);
