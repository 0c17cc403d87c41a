// The counters /usage and /usage/history report, summed and measured the way
// the proxy's budgets measure them (tokens: prompt + completion).

export const ZERO = Object.freeze({
  requests: 0,
  premiumRequests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  nanoAiu: 0,
  cacheHits: 0,
});

/** Adds `counters` (possibly absent) into `into`, and returns it. */
export function add(into, counters) {
  for (const name of Object.keys(ZERO)) into[name] += counters?.[name] ?? 0;
  return into;
}

export const sum = (...all) =>
  all.reduce((into, c) => add(into, c), { ...ZERO });
export const tokensOf = (c) => c.promptTokens + c.completionTokens;
/** AI credits (AIU): 1 AIU = 1e9 nano-AIU. */
export const creditsOf = (c) => c.nanoAiu / 1e9;
