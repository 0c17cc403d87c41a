import type { ErrorRule } from './error-answer';

/** How many served ids the message names. */
const CLOSEST = 3;

/**
 * G6: Copilot refuses a model id it does not serve with
 * `400 {"error":{"message":"The requested model is not supported.","code":"model_not_supported","param":"model","type":"invalid_request_error"}}`
 * (caozhiyuan #253, copilot-cli #639, ericc-ch #139) — the same words whether
 * the id is wrong or the model is not enabled for the account. When the
 * account's list does not have the id, the message goes on to name the closest
 * ids it serves, and the answer says not to retry (`x-should-retry: false`:
 * Claude Code retried it six times). For an Anthropic client it is Anthropic's
 * unknown model: 404 `not_found_error`. A listed model that is refused is not
 * enabled: Copilot's words stay (and `g4` gives them Anthropic's shape).
 */
export const unknownModel: ErrorRule = {
  id: 'g6',
  name: 'unknown-model',
  translated: true,
  apply(answer, served) {
    const { code, message } = answer.upstream;
    const refused =
      code === 'model_not_supported' ||
      (message !== undefined &&
        /requested model is not supported/i.test(message));
    const model = answer.model;
    if (!refused || model === undefined || answer.status >= 500) return false;
    if (served.lists(model) !== false) return false;
    const closest = closestIds(model, served.ids());
    const said =
      answer.message ?? message ?? 'The requested model is not supported.';
    answer.message =
      `${said} The model "${model}" is not served on this Copilot account` +
      (closest.length > 0
        ? `; the closest served ids: ${closest.join(', ')}.`
        : '.');
    answer.code ??= 'model_not_supported';
    if (answer.anthropic) {
      answer.status = 404;
      answer.type = 'not_found_error';
    }
    answer.headers['x-should-retry'] = 'false';
    answer.rewritten = true;
    return true;
  },
};

/** The served ids nearest `model` (edit distance, ids compared with `-` for `.`). */
export function closestIds(model: string, ids: readonly string[]): string[] {
  const wanted = normal(model);
  return ids
    .map((id) => ({ id, distance: distance(wanted, normal(id)) }))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, CLOSEST)
    .map(({ id }) => id);
}

function normal(id: string): string {
  return id.toLowerCase().replace(/[._]/g, '-');
}

/** Levenshtein distance (ids are short: one row of memory). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j] + 1,
        next[j - 1] + 1,
        row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length];
}
