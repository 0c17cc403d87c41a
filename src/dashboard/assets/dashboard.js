// The usage page: reads GET /usage and GET /usage/history with the key typed
// in (kept in sessionStorage, sent only as a header), draws them, and reads
// them again every 30 s. Built with DOM calls only: no inline script or style.
import * as format from './format.js';

const STORED_KEY = 'copilot-proxy.dashboard.key';
const REFRESH_MS = 30_000;
/** Models drawn on their own in the chart; the rest share one series. */
const CHART_MODELS = 7;
const TOP_MODELS = 8;
const COLORS = [
  '#4f46e5',
  '#0891b2',
  '#16a34a',
  '#d97706',
  '#db2777',
  '#7c3aed',
  '#0d9488',
];
const REST_COLOR = '#94a3b8';
const BUDGET_WORDS = {
  tokens: 'Tokens',
  premiumRequests: 'Premium requests',
  credits: 'AI credits',
};
const PERIOD_WORDS = { day: 'today', month: 'this month' };

const state = {
  key: sessionStorage.getItem(STORED_KEY) ?? undefined,
  /** Keys are off: the proxy answered /usage without a key. */
  open: false,
  period: 'month',
  metric: 'tokens',
  chartKey: '',
  usage: undefined,
  history: undefined,
  updatedAt: undefined,
  timer: undefined,
  chart: undefined,
};

const $ = (id) => document.getElementById(id);

/** An element with attributes (`text` sets its text) and children. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== undefined));
  return node;
}

class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

async function api(path) {
  const headers = state.key ? { authorization: `Bearer ${state.key}` } : {};
  let res;
  try {
    res = await fetch(path, { headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The proxy did not answer.');
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    throw new ApiError(
      res.status,
      body?.error?.message ?? `${res.status} ${res.statusText}`,
      res.headers.get('retry-after'),
    );
  }
  return body;
}

// ---- loading ------------------------------------------------------------

async function refresh() {
  clearTimeout(state.timer);
  state.timer = undefined;
  try {
    const [usage, history] = await Promise.all([
      api('/usage'),
      api('/usage/history'),
    ]);
    state.open = !state.key;
    state.usage = usage;
    state.history = history;
    state.updatedAt = new Date();
    showMessage();
    render();
    schedule();
  } catch (error) {
    failed(error);
  }
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => {
    state.timer = undefined;
    // A tab in the background waits; it is read again once back in view.
    if (document.visibilityState === 'visible') void refresh();
  }, REFRESH_MS);
}

function failed(error) {
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 401) {
    const hadKey = Boolean(state.key);
    forgetKey();
    showSignIn(
      hadKey
        ? `The proxy refused this key (${error.message}). It may be wrong, expired or removed from the keys file: enter a valid one.`
        : undefined,
    );
    return;
  }
  const wait =
    status === 429 && error.retryAfter
      ? ` Retry in ${error.retryAfter} s.`
      : '';
  const message =
    status === 503
      ? 'Usage storage is not answering right now; the page retries by itself.'
      : `${error.message}${wait}`;
  if (state.usage) {
    // Keep the last figures on screen, say they are not current, try again.
    showMessage(
      `Could not update: ${message} Showing the figures of ${format.time(state.updatedAt)}.`,
      'warning',
    );
    schedule();
  } else if (status === 429 && state.key) {
    // Refused before the key was even looked at (too many wrong keys).
    forgetKey();
    showSignIn(message);
  } else {
    showMessage(message, 'error');
    schedule();
  }
}

function forgetKey() {
  state.key = undefined;
  state.usage = undefined;
  state.history = undefined;
  sessionStorage.removeItem(STORED_KEY);
  clearTimeout(state.timer);
  state.timer = undefined;
}

// ---- sign-in and messages ----------------------------------------------------

function showSignIn(message) {
  $('content').hidden = true;
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  $('refresh').hidden = true;
  $('who').textContent = 'Enter a key to see its usage';
  $('updated').textContent = '';
  showMessage(message, 'error');
  $('key').focus();
}

function showMessage(text, tone = 'error') {
  const box = $('message');
  box.hidden = !text;
  box.className = `message ${tone}`;
  box.textContent = text ?? '';
}

function signIn(event) {
  event.preventDefault();
  const input = $('key');
  const key = input.value.trim();
  if (!key) return;
  input.value = '';
  state.key = key;
  sessionStorage.setItem(STORED_KEY, key);
  showMessage();
  void refresh();
}

// ---- figures ------------------------------------------------------------------

const ZERO = {
  requests: 0,
  premiumRequests: 0,
  promptTokens: 0,
  cachedTokens: 0,
  completionTokens: 0,
  nanoAiu: 0,
  cacheHits: 0,
};

function add(into, counters) {
  for (const name of Object.keys(ZERO)) into[name] += counters?.[name] ?? 0;
  return into;
}

const tokensOf = (c) => c.promptTokens + c.completionTokens;
const creditsOf = (c) => c.nanoAiu / 1e9;

/** Every key the caller may see, each with its reports by period. */
function visibleKeys() {
  const usage = state.usage;
  return usage.keys ?? [{ key: usage.key, periods: usage.periods }];
}

function periodOf(entry) {
  return entry.periods.find((p) => p.period === state.period);
}

/** A figure: its readable text, its exact value for a title and for tests. */
function figure(tag, field, value, text, extra = {}) {
  return el(tag, {
    'data-field': field,
    'data-value': value,
    title: format.decimal(value),
    text,
    ...extra,
  });
}

// ---- rendering ------------------------------------------------------------------

function render() {
  $('sign-in').hidden = true;
  $('content').hidden = false;
  $('refresh').hidden = false;
  $('sign-out').hidden = state.open;
  const keys = visibleKeys();
  const usage = state.usage;
  $('who').textContent = state.open
    ? 'Keys are off: anyone who reaches this proxy sees this page'
    : usage.keys
      ? `Signed in as ${usage.key} · sees all ${keys.length} keys`
      : `Signed in as ${usage.key}`;
  $('updated').textContent =
    `Updated ${format.time(state.updatedAt)} · every 30 s`;
  for (const button of document.querySelectorAll('[data-period]'))
    button.setAttribute(
      'aria-pressed',
      String(button.dataset.period === state.period),
    );
  for (const button of document.querySelectorAll('[data-metric]'))
    button.setAttribute(
      'aria-pressed',
      String(button.dataset.metric === state.metric),
    );
  renderPeriodNote(keys);
  renderTotals(keys);
  renderAccount(usage.account);
  renderKeys(keys);
  renderModels(keys);
  renderChart();
  $('note').textContent = usage.note ?? '';
}

function renderPeriodNote(keys) {
  const report = periodOf(keys[0]);
  $('period-note').textContent = report
    ? `Since ${format.date(report.start)} (UTC) · resets ${format.resetsIn(report.resetsAt)}`
    : '';
}

function renderTotals(keys) {
  const totals = { ...ZERO };
  for (const entry of keys) add(totals, periodOf(entry)?.totals);
  const tile = (field, label, value, text, detail) =>
    el(
      'div',
      { class: 'tile', 'data-tile': field },
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

function budgetsOf(entry) {
  const report = entry.periods.find((p) => p.budgets);
  return report
    ? { period: report.period, budgets: report.budgets }
    : undefined;
}

function budgetBar(budget, period) {
  const share = budget.limit > 0 ? budget.used / budget.limit : 1;
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
        text: `${show(budget.used)} of ${show(budget.limit)} · ${format.percent(Math.min(share, 1))}`,
      }),
    ),
    el('meter', {
      min: 0,
      max: budget.limit || 1,
      low: (budget.limit || 1) * 0.75,
      high: (budget.limit || 1) * 0.9,
      optimum: 0,
      value: Math.min(budget.used, budget.limit || 1),
      'aria-label': `${BUDGET_WORDS[budget.kind]} used`,
    }),
  );
}

function renderKeys(keys) {
  const rows = keys
    .map((entry) => ({
      entry,
      totals: add({ ...ZERO }, periodOf(entry)?.totals),
    }))
    .sort(
      (a, b) =>
        creditsOf(b.totals) - creditsOf(a.totals) ||
        tokensOf(b.totals) - tokensOf(a.totals) ||
        a.entry.key.localeCompare(b.entry.key),
    );
  $('keys-heading').textContent = keys.length > 1 ? 'Keys' : 'Your key';
  $('keys-period').textContent = PERIOD_WORDS[state.period];
  $('keys-body').replaceChildren(
    ...rows.map(({ entry, totals }) => {
      const budgets = budgetsOf(entry);
      return el(
        'tr',
        { 'data-key': entry.key },
        el('th', { scope: 'row', 'data-label': 'Key', text: entry.key }),
        figure(
          'td',
          'requests',
          totals.requests,
          format.count(totals.requests),
          { 'data-label': 'Requests' },
        ),
        figure(
          'td',
          'tokens',
          tokensOf(totals),
          format.tokens(tokensOf(totals)),
          { 'data-label': 'Tokens' },
        ),
        figure(
          'td',
          'premiumRequests',
          totals.premiumRequests,
          format.decimal(totals.premiumRequests),
          {
            'data-label': 'Premium',
          },
        ),
        figure(
          'td',
          'credits',
          creditsOf(totals),
          format.credits(creditsOf(totals)),
          { 'data-label': 'Credits' },
        ),
        el(
          'td',
          { class: 'budgets', 'data-label': 'Budget' },
          ...(budgets
            ? budgets.budgets.map((b) => budgetBar(b, budgets.period))
            : [el('span', { class: 'muted', text: 'No quota' })]),
        ),
      );
    }),
  );
}

/** Every visible key's models in the period, summed, by tokens. */
function modelsOf(keys) {
  const models = new Map();
  for (const entry of keys) {
    for (const [model, counters] of Object.entries(
      periodOf(entry)?.models ?? {},
    ))
      models.set(model, add(models.get(model) ?? { ...ZERO }, counters));
  }
  return [...models].sort(
    ([a, x], [b, y]) =>
      tokensOf(y) - tokensOf(x) ||
      creditsOf(y) - creditsOf(x) ||
      a.localeCompare(b),
  );
}

function renderModels(keys) {
  const models = modelsOf(keys);
  const all = models.reduce((sum, [, c]) => sum + tokensOf(c), 0);
  $('models-period').textContent = PERIOD_WORDS[state.period];
  $('models-empty').hidden = models.length > 0;
  $('models-table').hidden = models.length === 0;
  $('models-body').replaceChildren(
    ...models.slice(0, TOP_MODELS).map(([model, c]) =>
      el(
        'tr',
        { 'data-model': model },
        el('th', { scope: 'row', 'data-label': 'Model', text: model }),
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
          {
            'data-label': 'Premium',
          },
        ),
        figure('td', 'credits', creditsOf(c), format.credits(creditsOf(c)), {
          'data-label': 'Credits',
        }),
        el(
          'td',
          { class: 'share', 'data-label': 'Share of tokens' },
          el('meter', {
            min: 0,
            max: 1,
            value: all > 0 ? tokensOf(c) / all : 0,
            class: 'share-meter',
          }),
          el('span', { text: format.percent(all > 0 ? tokensOf(c) / all : 0) }),
        ),
      ),
    ),
  );
}

// ---- the Copilot account ------------------------------------------------------------

/** Premium interactions left, from GitHub's account info or else the answers' headers. */
function premiumQuota(account) {
  const snapshot = account.copilot?.quota_snapshots?.premium_interactions;
  if (snapshot) {
    return {
      unlimited: snapshot.unlimited === true,
      entitlement: snapshot.entitlement,
      remaining: snapshot.remaining,
      share: snapshot.percent_remaining / 100,
      resets: account.copilot.quota_reset_date,
      source: 'GitHub account info',
    };
  }
  const fields = account.quotaSnapshots?.premium_interactions?.fields;
  if (!fields) return undefined;
  const entitlement = Number(fields.ent);
  // `rem` is the share left in percent; -1 entitles without limit.
  const share = Number(fields.rem) / 100;
  return {
    unlimited: entitlement === -1,
    entitlement,
    remaining: Number.isFinite(entitlement * share)
      ? Math.round(entitlement * share * 10) / 10
      : undefined,
    share,
    resets: fields.rst,
    source: `the latest answer's headers (${format.time(new Date(account.quotaSnapshots.premium_interactions.seenAt))}; they lag real use)`,
  };
}

function renderAccount(account) {
  const card = $('account-card');
  card.hidden = !account;
  $('overview').classList.toggle('with-account', Boolean(account));
  if (!account) return;
  const parts = [];
  const copilot = account.copilot;
  if (copilot?.copilot_plan || copilot?.login) {
    parts.push(
      el('p', {
        class: 'muted',
        text: [
          copilot.login,
          copilot.copilot_plan && `${copilot.copilot_plan} plan`,
        ]
          .filter(Boolean)
          .join(' · '),
      }),
    );
  }
  const quota = premiumQuota(account);
  if (!quota) {
    parts.push(
      el('p', {
        class: 'muted',
        text: 'Copilot has not reported a premium quota yet.',
      }),
    );
  } else if (quota.unlimited) {
    parts.push(
      el('p', {
        class: 'quota-big',
        'data-field': 'premiumRemaining',
        text: 'Unlimited',
      }),
    );
  } else {
    parts.push(
      el('span', { class: 'tile-label', text: 'Premium interactions left' }),
      el(
        'p',
        { class: 'quota-big' },
        figure(
          'strong',
          'premiumRemaining',
          quota.remaining,
          format.decimal(quota.remaining),
        ),
        el('span', {
          class: 'muted',
          text: ` of ${format.decimal(quota.entitlement)}`,
        }),
      ),
      el('meter', {
        min: 0,
        max: 1,
        low: 0.1,
        high: 0.25,
        optimum: 1,
        value: Math.max(0, Math.min(1, quota.share)),
        'aria-label': 'Premium interactions left',
      }),
      el('p', {
        class: 'muted',
        text: `${format.percent(Math.max(0, quota.share))} left`,
      }),
    );
  }
  if (quota?.resets) {
    parts.push(
      el(
        'p',
        {},
        el('span', { class: 'muted', text: 'Resets ' }),
        el('strong', {
          'data-field': 'resetDate',
          text: format.date(quota.resets),
        }),
      ),
    );
  }
  parts.push(
    account.cooldown
      ? el('p', {
          class: 'status limited',
          text: `Copilot is limiting the account (${account.cooldown.limit}): model calls refused for ${Math.ceil(account.cooldown.retryAfterSeconds / 60)} more min`,
        })
      : el('p', { class: 'status', text: 'No Copilot rate limit in force' }),
  );
  if (quota)
    parts.push(el('p', { class: 'source', text: `From ${quota.source}.` }));
  $('account-body').replaceChildren(...parts);
}

// ---- the daily chart ---------------------------------------------------------------

function chartKeys() {
  const days = state.history.keys;
  if (state.chartKey && days.some((k) => k.key === state.chartKey))
    return days.filter((k) => k.key === state.chartKey);
  return days;
}

function renderKeySelect() {
  const select = $('chart-key');
  const names = state.history.keys.map((k) => k.key);
  select.hidden = names.length < 2;
  const wanted = ['', ...names];
  const current = [...select.options].map((o) => o.value);
  if (wanted.join('\n') !== current.join('\n')) {
    select.replaceChildren(
      el('option', { value: '', text: 'All keys' }),
      ...names.map((name) => el('option', { value: name, text: name })),
    );
  }
  if (!wanted.includes(state.chartKey)) state.chartKey = '';
  select.value = state.chartKey;
}

/** Days and one series per model (the biggest on their own, the rest together). */
function chartData() {
  const keys = chartKeys();
  const dates = state.history.keys[0]?.days.map((d) => d.date) ?? [];
  const measure = state.metric === 'credits' ? creditsOf : tokensOf;
  const byModel = new Map();
  dates.forEach((_, i) => {
    for (const entry of keys) {
      for (const [model, counters] of Object.entries(
        entry.days[i]?.models ?? {},
      )) {
        const values = byModel.get(model) ?? new Array(dates.length).fill(0);
        values[i] += measure(counters);
        byModel.set(model, values);
      }
    }
  });
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  const ranked = [...byModel]
    .filter(([, v]) => sum(v) > 0)
    .sort(([, a], [, b]) => sum(b) - sum(a));
  const shown = ranked.slice(0, CHART_MODELS);
  const rest = ranked.slice(CHART_MODELS);
  const datasets = shown.map(([model, data], i) => ({
    label: model,
    data,
    backgroundColor: COLORS[i % COLORS.length],
  }));
  if (rest.length > 0) {
    datasets.push({
      label: `${rest.length} more models`,
      data: dates.map((_, i) => rest.reduce((s, [, v]) => s + v[i], 0)),
      backgroundColor: REST_COLOR,
    });
  }
  return {
    labels: dates.map(format.day),
    datasets,
    empty: ranked.length === 0,
  };
}

function renderChart() {
  renderKeySelect();
  const { labels, datasets, empty } = chartData();
  const unit = state.metric === 'credits' ? format.credits : format.tokens;
  $('chart-title').textContent =
    state.metric === 'credits' ? 'AI credits per day' : 'Tokens per day';
  $('chart-range').textContent = labels.length
    ? `${labels[0]} – ${labels.at(-1)} (UTC), by model`
    : '';
  $('chart-empty').hidden = !empty;
  if (!window.Chart) {
    showMessage('The chart library did not load.', 'error');
    return;
  }
  if (!state.chart) {
    state.chart = new window.Chart($('chart'), {
      type: 'bar',
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        datasets: { bar: { borderRadius: 2, maxBarThickness: 28 } },
        scales: {
          x: {
            stacked: true,
            grid: { display: false },
            ticks: { maxRotation: 0, autoSkipPadding: 12 },
          },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { callback: (v) => unit(v) },
          },
        },
        plugins: {
          legend: {
            position: 'bottom',
            labels: { boxWidth: 12, boxHeight: 12 },
          },
          tooltip: {
            callbacks: {
              label: (item) => ` ${item.dataset.label}: ${unit(item.parsed.y)}`,
            },
          },
        },
      },
    });
    return;
  }
  state.chart.data.labels = labels;
  state.chart.data.datasets = datasets;
  state.chart.options.scales.y.ticks.callback = (v) => unit(v);
  state.chart.options.plugins.tooltip.callbacks.label = (item) =>
    ` ${item.dataset.label}: ${unit(item.parsed.y)}`;
  state.chart.update();
}

// ---- wiring -------------------------------------------------------------------

function wire() {
  $('key-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', () => {
    forgetKey();
    showSignIn();
  });
  $('refresh').addEventListener('click', () => void refresh());
  for (const button of document.querySelectorAll('[data-period]')) {
    button.addEventListener('click', () => {
      state.period = button.dataset.period;
      render();
    });
  }
  for (const button of document.querySelectorAll('[data-metric]')) {
    button.addEventListener('click', () => {
      state.metric = button.dataset.metric;
      render();
    });
  }
  $('chart-key').addEventListener('change', (event) => {
    state.chartKey = event.target.value;
    renderChart();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.usage && !state.timer)
      void refresh();
  });
}

wire();
// With a key from this tab's earlier visit, or none (keys off): try at once.
void refresh();
