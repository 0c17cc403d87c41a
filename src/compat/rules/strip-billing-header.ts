import type { CompatEdit, CompatRule } from '../compat-rule';
import type { JsonPath } from '../json-edits';
import { BILLING_LINE, elements, isObject } from './rule-helpers';

/**
 * C4: Claude Code (2.1.x) starts its system prompt with an
 * `x-anthropic-billing-header: cc_version=…; cch=…;` line, which Copilot
 * refuses: `400 {"error":{"message":"x-anthropic-billing-header is a reserved
 * keyword and may not be used in the system prompt.","code":
 * "invalid_request_body"}}` (ericc-ch/copilot-api#174, 2026-01-22). The bridge
 * drops it from what it translates; this rule takes the line out of native
 * calls: a Messages `system` (string or text blocks) and a Chat system or
 * developer message. A block or message that held only the line goes with it.
 * Floway `strip-billing-attribution.ts` does the same, on by default.
 */
export const stripBillingHeader: CompatRule = {
  id: 'c4',
  name: 'billing-header',
  apis: ['messages', 'count_tokens', 'chat'],
  apply({ api, body }, edit) {
    if (!body) return false;
    if (api !== 'chat') return strip(edit, ['system'], body.system, true);
    let changed = false;
    elements(body.messages).forEach((message, i) => {
      if (!isObject(message)) return;
      if (message.role !== 'system' && message.role !== 'developer') return;
      const path = ['messages', i];
      if (strip(edit, [...path, 'content'], message.content, false, path))
        changed = true;
    });
    return changed;
  },
};

/**
 * Takes the line out of a text or a list of text parts at `path`; `owner` is
 * what goes when nothing is left (the member itself when undefined).
 */
function strip(
  edit: CompatEdit,
  path: JsonPath,
  value: unknown,
  removable: boolean,
  owner: JsonPath = path,
): boolean {
  if (typeof value === 'string') {
    if (!BILLING_LINE.test(value)) return false;
    const rest = value.replace(BILLING_LINE, '');
    if (rest === '' && (removable || owner !== path)) edit.remove(owner);
    else edit.set(path, rest);
    return true;
  }
  const parts = elements(value);
  const emptied: number[] = [];
  let changed = false;
  parts.forEach((part, i) => {
    if (!isObject(part) || typeof part.text !== 'string') return;
    if (!BILLING_LINE.test(part.text)) return;
    changed = true;
    const rest = part.text.replace(BILLING_LINE, '');
    if (rest === '') emptied.push(i);
    else edit.set([...path, i, 'text'], rest);
  });
  if (emptied.length > 0 && emptied.length === parts.length) edit.remove(owner);
  else for (const i of emptied) edit.remove([...path, i]);
  return changed;
}
