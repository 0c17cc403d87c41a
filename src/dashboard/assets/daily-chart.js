// The last days' tokens or credits, one stacked bar a day, one series a model
// (the biggest on their own, the rest together), drawn by Chart.js.
import { creditsOf, tokensOf } from './counters.js';
import { $, el } from './dom.js';
import * as format from './format.js';

const SERIES = 7;
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

let chart;

/** The key select: shown when there is more than one key; returns the key drawn ('' for all). */
function keySelect(history, chosen) {
  const select = $('chart-key');
  const names = history.keys.map((k) => k.key);
  select.hidden = names.length < 2;
  const wanted = ['', ...names];
  if (
    wanted.join('\n') !== [...select.options].map((o) => o.value).join('\n')
  ) {
    select.replaceChildren(
      el('option', { value: '', text: 'All keys' }),
      ...names.map((name) => el('option', { value: name, text: name })),
    );
  }
  const key = wanted.includes(chosen) ? chosen : '';
  select.value = key;
  return key;
}

function seriesOf(history, key, measure) {
  const keys = history.keys.filter((k) => !key || k.key === key);
  const dates = history.keys[0]?.days.map((d) => d.date) ?? [];
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
  const total = (values) => values.reduce((a, b) => a + b, 0);
  const ranked = [...byModel]
    .filter(([, values]) => total(values) > 0)
    .sort(([, a], [, b]) => total(b) - total(a));
  const rest = ranked.slice(SERIES);
  const datasets = ranked.slice(0, SERIES).map(([model, data], i) => ({
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
  return { dates, datasets };
}

function options(unit) {
  return {
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
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } },
      tooltip: {
        callbacks: {
          label: (item) => ` ${item.dataset.label}: ${unit(item.parsed.y)}`,
        },
      },
    },
  };
}

/**
 * Draws `history` (GET /usage/history) for `metric` ('tokens' or 'credits') and
 * the chosen key; returns the key drawn, or undefined when Chart.js is missing.
 */
export function renderChart(history, metric, chosenKey) {
  const key = keySelect(history, chosenKey);
  const credits = metric === 'credits';
  const unit = credits ? format.credits : format.tokens;
  const { dates, datasets } = seriesOf(
    history,
    key,
    credits ? creditsOf : tokensOf,
  );
  $('chart-title').textContent = credits
    ? 'AI credits per day'
    : 'Tokens per day';
  $('chart-range').textContent = dates.length
    ? `${format.day(dates[0])} – ${format.day(dates.at(-1))} (UTC), by model`
    : '';
  $('chart-empty').hidden = datasets.length > 0;
  if (!window.Chart) return undefined;
  const data = { labels: dates.map(format.day), datasets };
  if (chart) {
    chart.data = data;
    chart.options = options(unit);
    chart.update();
  } else {
    chart = new window.Chart($('chart'), {
      type: 'bar',
      data,
      options: options(unit),
    });
  }
  return key;
}
