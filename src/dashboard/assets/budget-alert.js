// Above the fold: the budgets that are used up or nearly so, for the key signed
// in (or, for a key that reads every key's usage, every key's), so a person at
// their limit sees why calls are refused before scrolling anywhere.
import { $, el } from './dom.js';
import * as format from './format.js';

const WORDS = {
  tokens: 'tokens',
  premiumRequests: 'premium requests',
  credits: 'AI credits',
};
const PERIOD = { day: 'today', month: 'this month' };
/** From this share of a budget on, it is shown. */
const NEAR = 0.9;

function amount(kind, n) {
  if (kind === 'tokens') return format.tokens(n);
  if (kind === 'credits') return format.credits(n);
  return format.decimal(n);
}

/** Every budget at or past NEAR of its limit: [{ key, kind, used, limit, period, resetsAt }]. */
function pressing(keys) {
  const found = [];
  for (const entry of keys) {
    for (const report of entry.periods) {
      for (const budget of report.budgets ?? []) {
        if (budget.limit > 0 && budget.used / budget.limit < NEAR) continue;
        found.push({ key: entry.key, ...budget, report });
      }
    }
  }
  return found.sort((a, b) => b.used / b.limit - a.used / a.limit);
}

function line(item, self) {
  const used = item.used >= item.limit;
  const who = self ? 'This key has' : `${item.key} has`;
  const what = `${amount(item.kind, item.used)} of ${amount(item.kind, item.limit)} ${WORDS[item.kind]} ${PERIOD[item.report.period]}`;
  const then = used
    ? `: its model calls are refused until the budget resets ${format.resetsIn(item.report.resetsAt)} (${format.date(item.report.resetsAt)}).`
    : ` (${format.percent(item.used / item.limit)}): calls stop at the limit.`;
  return el('li', {
    class: used ? 'spent' : 'near',
    'data-key': item.key,
    'data-budget': item.kind,
    text: `${who} used ${what}${then}`,
  });
}

/** Shows or hides the alert for `keys`; `self` when they are the signed-in key alone. */
export function renderBudgetAlert(keys, self) {
  const items = pressing(keys);
  const box = $('budget-alert');
  box.hidden = items.length === 0;
  if (items.length === 0) return;
  const spent = items.some((item) => item.used >= item.limit);
  box.className = `card budget-alert ${spent ? 'spent' : 'near'}`;
  $('budget-alert-title').textContent = spent
    ? self
      ? 'Budget used up'
      : 'Keys at their budget'
    : 'Budget nearly used';
  $('budget-alert-list').replaceChildren(
    ...items.map((item) => line(item, self)),
  );
}
