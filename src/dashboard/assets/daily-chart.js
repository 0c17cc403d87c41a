// The last days' tokens, credits or premium requests, one stacked bar a day,
// one series a model (the biggest on their own, the rest together), drawn by
// Chart.js. A model keeps its colour in every view.
import { creditsOf, tokensOf } from './counters.js';
import { $, el } from './dom.js';
import * as format from './format.js';
import { modelColors, REST_COLOR } from './model-colors.js';

const SERIES = 7;
/** About this many dates are written under the bars; the last day always is. */
const AXIS_LABELS = 8;

/** What the chart can show: how a day's counters are measured, written and titled. */
const METRICS = {
  tokens: { measure: tokensOf, unit: format.tokens, title: 'Tokens per day' },
  credits: {
    measure: creditsOf,
    unit: format.credits,
    title: 'AI credits per day',
  },
  premium: {
    measure: (c) => c.premiumRequests,
    unit: format.decimal,
    title: 'Premium requests per day',
  },
};

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

/** Every model in the history, whichever key or measure is drawn. */
function modelsOf(history) {
  return history.keys.flatMap((k) =>
    k.days.flatMap((day) => Object.keys(day.models ?? {})),
  );
}

function seriesOf(history, key, measure) {
  const colors = modelColors(modelsOf(history));
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
  const datasets = ranked.slice(0, SERIES).map(([model, data]) => ({
    label: model,
    data,
    backgroundColor: colors.get(model),
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

/** Every `step`-th date counted back from the last, so the newest bar is dated. */
function dateTick(count) {
  const step = Math.max(1, Math.ceil(count / AXIS_LABELS));
  return function (value, index) {
    return (count - 1 - index) % step === 0 ? this.getLabelForValue(value) : '';
  };
}

/** Chart.js options; `empty`: no series to draw, so no value axis to label. */
function options(unit, count, empty) {
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
        ticks: { maxRotation: 0, autoSkip: false, callback: dateTick(count) },
      },
      y: {
        display: !empty,
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
 * Draws `history` (GET /usage/history) for `metric` ('tokens', 'credits' or
 * 'premium') and the chosen key; returns the key drawn, or undefined when
 * Chart.js is missing.
 */
export function renderChart(history, metric, chosenKey) {
  const key = keySelect(history, chosenKey);
  const { measure, unit, title } = METRICS[metric] ?? METRICS.tokens;
  const { dates, datasets } = seriesOf(history, key, measure);
  $('chart-title').textContent = title;
  $('chart-range').textContent = dates.length
    ? `${format.day(dates[0])} – ${format.day(dates.at(-1))} (UTC), by model`
    : '';
  $('chart-empty').hidden = datasets.length > 0;
  if (!window.Chart) return undefined;
  const data = { labels: dates.map(format.day), datasets };
  if (chart) {
    chart.data = data;
    chart.options = options(unit, dates.length, datasets.length === 0);
    chart.update();
  } else {
    chart = new window.Chart($('chart'), {
      type: 'bar',
      data,
      options: options(unit, dates.length, datasets.length === 0),
    });
  }
  return key;
}
