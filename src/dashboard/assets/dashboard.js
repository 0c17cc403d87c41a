// The usage page: reads GET /usage and GET /usage/history with the key typed
// in (kept in this tab's sessionStorage, sent only as a header), draws them,
// and reads them again every 30 s. No inline script or style anywhere.
import { renderAccount } from './account-card.js';
import { renderBudgetAlert } from './budget-alert.js';
import { renderChart } from './daily-chart.js';
import { $ } from './dom.js';
import * as format from './format.js';
import {
  renderKeys,
  renderModels,
  renderPeriodNote,
  renderTotals,
} from './usage-tables.js';

const STORED_KEY = 'copilot-proxy.dashboard.key';
const REFRESH_MS = 30_000;

const state = {
  key: sessionStorage.getItem(STORED_KEY) ?? undefined,
  period: 'month',
  metric: 'tokens',
  chartKey: '',
  usage: undefined,
  history: undefined,
  updatedAt: undefined,
  timer: undefined,
};

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

// ---- loading ------------------------------------------------------------------

async function refresh() {
  clearTimeout(state.timer);
  state.timer = undefined;
  try {
    const [usage, history] = await Promise.all([
      api('/usage'),
      api('/usage/history'),
    ]);
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

// ---- sign-in and messages -------------------------------------------------------

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

// ---- the page -------------------------------------------------------------------

function render() {
  const usage = state.usage;
  // A plain key sees itself; readAllUsage (or keys off) sees every key.
  const keys = usage.keys ?? [{ key: usage.key, periods: usage.periods }];
  const open = !state.key;
  $('sign-in').hidden = true;
  $('content').hidden = false;
  $('refresh').hidden = false;
  $('sign-out').hidden = open;
  $('who').textContent = open
    ? 'Keys are off: anyone who reaches this proxy sees this page'
    : usage.keys
      ? `Signed in as ${usage.key} · sees all ${keys.length} keys`
      : `Signed in as ${usage.key}`;
  $('updated').textContent =
    `Updated ${format.time(state.updatedAt)} · every 30 s`;
  for (const button of document.querySelectorAll('[data-period]')) {
    const pressed = button.dataset.period === state.period;
    button.setAttribute('aria-pressed', String(pressed));
  }
  for (const button of document.querySelectorAll('[data-metric]')) {
    const pressed = button.dataset.metric === state.metric;
    button.setAttribute('aria-pressed', String(pressed));
  }
  renderPeriodNote(keys, state.period);
  renderBudgetAlert(keys, !usage.keys);
  renderTotals(keys, state.period);
  renderAccount(usage.account, keys);
  renderKeys(keys, state.period, open);
  renderModels(keys, state.period);
  drawChart();
  $('note').textContent = usage.note ?? '';
}

function drawChart() {
  const drawn = renderChart(state.history, state.metric, state.chartKey);
  if (drawn === undefined) showMessage('The chart library did not load.');
  else state.chartKey = drawn;
}

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
    drawChart();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.usage && !state.timer)
      void refresh();
  });
}

wire();
// With this tab's key from before, or with none: keys off answers at once.
void refresh();
