// The period's figures: the totals tiles, one row per key with its budgets,
// and the top models.
import { creditsOf, sum, tokensOf } from './counters.js';
import { $, el, figure } from './dom.js';
import * as format from './format.js';

const TOP_MODELS = 8;
const BUDGET_WORDS = {
  tokens: 'Tokens',
  premiumRequests: 'Premium requests',
  credits: 'AI credits',
};
const PERIOD_WORDS = { day: 'today', month: 'this month' };

const periodOf = (entry, period) =>
  entry.periods.find((p) => p.period === period);

/** Requests, tokens, premium requests and credits, as table cells. */
function figureCells(c) {
  return [
    figure('td', 'requests', c.requests, format.count(c.requests), {
      'data-label': 'Requests',
    }),
    figure('td', 'tokens', tokensOf(c), format.tokens(tokensOf(c)), {
      'data-label': 'Tokens',
    }),
    figure(
      'td',
      'premiumRequests',
      c.premiumRequests,
      format.decimal(c.premiumRequests),
      { 'data-label': 'Premium' },
    ),
    figure('td', 'credits', creditsOf(c), format.credits(creditsOf(c)), {
      'data-label': 'Credits',
    }),
  ];
}

export function renderPeriodNote(keys, period) {
  const report = periodOf(keys[0], period);
  $('period-note').textContent = report
    ? `Since ${format.date(report.start)} (UTC) · resets ${format.resetsIn(report.resetsAt)}`
    : '';
}

export function renderTotals(keys, period) {
  const totals = sum(...keys.map((entry) => periodOf(entry, period)?.totals));
  const tile = (field, label, value, text, detail) =>
    el(
      'div',
      { class: 'tile' },
      el('span', { class: 'tile-label', text: label }),
      figure('strong', field, value, text, { class: 'tile-value' }),
      el('span', { class: 'tile-detail', text: detail }),
    );
  const who = keys.length > 1 ? `${keys.length} keys, ` : '';
  $('totals').replaceChildren(
    tile(
      'requests',
      'Requests',
      totals.requests,
      format.count(totals.requests),
      `${who}${format.count(totals.cacheHits)} answered from the cache`,
    ),
    tile(
      'tokens',
      'Tokens',
      tokensOf(totals),
      format.tokens(tokensOf(totals)),
      `${format.tokens(totals.promptTokens)} in (${format.tokens(totals.cachedTokens)} cached) · ${format.tokens(totals.completionTokens)} out`,
    ),
    tile(
      'premiumRequests',
      'Premium requests',
      totals.premiumRequests,
      format.decimal(totals.premiumRequests),
      'person-started turns × model multiplier',
    ),
    tile(
      'credits',
      'AI credits',
      creditsOf(totals),
      format.credits(creditsOf(totals)),
      'AIU, as Copilot reports them',
    ),
  );
}

/** One budget as a bar: amber past 75 %, red past 90 %. */
function budgetBar(budget, period) {
  const limit = budget.limit || 1;
  const show =
    budget.kind === 'tokens'
      ? format.tokens
      : budget.kind === 'credits'
        ? format.credits
        : format.decimal;
  return el(
    'div',
    { class: 'budget', 'data-budget': budget.kind },
    el(
      'div',
      { class: 'budget-head' },
      el('span', { text: `${BUDGET_WORDS[budget.kind]} per ${period}` }),
      el('span', {
        class: 'budget-figures',
        'data-used': budget.used,
        'data-limit': budget.limit,
        text: `${show(budget.used)} of ${show(budget.limit)} · ${format.percent(Math.min(budget.used / limit, 1))}`,
      }),
    ),
    el('meter', {
      min: 0,
      max: limit,
      low: limit * 0.75,
      high: limit * 0.9,
      optimum: 0,
      value: Math.min(budget.used, limit),
      'aria-label': `${BUDGET_WORDS[budget.kind]} used`,
    }),
  );
}

/** The key's budgets: they are in the report of its quota's period. */
function budgetCell(entry) {
  const report = entry.periods.find((p) => p.budgets);
  return el(
    'td',
    { class: 'budgets', 'data-label': 'Budget' },
    ...(report
      ? report.budgets.map((b) => budgetBar(b, report.period))
      : [el('span', { class: 'muted', text: 'No quota' })]),
  );
}

/** Keys by what they spent: credits, then tokens. `open`: keys are off. */
export function renderKeys(keys, period, open) {
  const rows = keys
    .map((entry) => ({ entry, totals: sum(periodOf(entry, period)?.totals) }))
    .sort(
      (a, b) =>
        creditsOf(b.totals) - creditsOf(a.totals) ||
        tokensOf(b.totals) - tokensOf(a.totals) ||
        a.entry.key.localeCompare(b.entry.key),
    );
  $('keys-heading').textContent = open
    ? 'All clients (keys are off)'
    : keys.length > 1
      ? 'Keys'
      : 'Your key';
  $('keys-period').textContent = PERIOD_WORDS[period];
  $('keys-body').replaceChildren(
    ...rows.map(({ entry, totals }) =>
      el(
        'tr',
        { 'data-key': entry.key },
        el('th', {
          scope: 'row',
          text: open ? 'Everyone (no key asked)' : entry.key,
        }),
        ...figureCells(totals),
        budgetCell(entry),
      ),
    ),
  );
}

/** Every key's models in the period, summed, by tokens. */
function modelsOf(keys, period) {
  const models = new Map();
  for (const entry of keys) {
    const report = periodOf(entry, period);
    for (const [model, counters] of Object.entries(report?.models ?? {}))
      models.set(model, sum(models.get(model), counters));
  }
  return [...models].sort(
    ([a, x], [b, y]) =>
      tokensOf(y) - tokensOf(x) ||
      creditsOf(y) - creditsOf(x) ||
      a.localeCompare(b),
  );
}

export function renderModels(keys, period) {
  const models = modelsOf(keys, period);
  const all = models.reduce((total, [, c]) => total + tokensOf(c), 0);
  const shareOf = (c) => (all > 0 ? tokensOf(c) / all : 0);
  $('models-period').textContent = PERIOD_WORDS[period];
  $('models-empty').hidden = models.length > 0;
  $('models-table').hidden = models.length === 0;
  $('models-body').replaceChildren(
    ...models.slice(0, TOP_MODELS).map(([model, c]) =>
      el(
        'tr',
        { 'data-model': model },
        el('th', { scope: 'row', text: model }),
        ...figureCells(c),
        el(
          'td',
          { class: 'share', 'data-label': 'Share of tokens' },
          el('meter', {
            min: 0,
            max: 1,
            value: shareOf(c),
            class: 'share-meter',
          }),
          el('span', { text: format.percent(shareOf(c)) }),
        ),
      ),
    ),
  );
}
