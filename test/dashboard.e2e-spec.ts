import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { CHART_LIBRARY, OWN_FILES } from '../src/dashboard/dashboard-assets';
import { Clock } from '../src/usage/clock';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { rawRequest, waitFor } from './support/http-client';
import { useSpawnedApps } from './support/spawn-app';
import { startApp, TestApp } from './support/test-app';

/** Debian's chromium, installed by `.ci/run`. */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(__dirname, 'output');
const SRC_ASSETS = join(__dirname, '..', 'src', 'dashboard', 'assets');
/** Where the lead engineer looks at the screenshots. */
const NOTES = '/work/notes';

const GITHUB_TOKEN = 'gho_dashboardGithubToken';
const ADMIN = 'sk-admin-dashboard-0123456789';
const ALICE = 'sk-alice-dashboard-0123456789';
const BOB = 'sk-bob-dashboard-0123456789';

const KEYS = `
keys:
  - name: admin
    key: ${ADMIN}
    readAllUsage: true
  - name: alice
    key: ${ALICE}
    quota: { period: day, credits: 12, tokens: 250000 }
  - name: bob
    key: ${BOB}
    quota: { period: day, tokens: 60000, premiumRequests: 40 }
`;

const DAY_MS = 86_400_000;

/** The real time, moved back whole days while the history is written. */
class DaysBackClock extends Clock {
  daysBack = 0;
  now(): number {
    return Date.now() - this.daysBack * DAY_MS;
  }
}

interface Counters {
  requests: number;
  premiumRequests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  nanoAiu: number;
  cacheHits: number;
}
interface PeriodReport {
  period: 'day' | 'month';
  totals: Counters;
  credits: number;
  models: Record<string, Counters>;
  budgets?: { kind: string; limit: number; used: number }[];
}
interface UsageBody {
  key: string;
  periods: PeriodReport[];
  keys?: { key: string; periods: PeriodReport[] }[];
}
interface HistoryBody {
  keys: {
    key: string;
    days: {
      date: string;
      totals: Counters;
      models: Record<string, Counters>;
    }[];
  }[];
}

/** What the page shows of a period: the figures /usage gives, as numbers. */
function figuresOf(report: PeriodReport) {
  return {
    requests: report.totals.requests,
    tokens: report.totals.promptTokens + report.totals.completionTokens,
    premiumRequests: report.totals.premiumRequests,
    credits: report.credits,
  };
}

/** A chat completion as Copilot answers it, with usage and credits. */
function chatAnswer(
  model: string,
  prompt: number,
  completion: number,
  nanoAiu: number,
) {
  return {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'chatcmpl-dashboard',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'ok' },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: Math.floor(prompt / 2) },
      },
      copilot_usage: { total_nano_aiu: nanoAiu, token_details: [] },
    }),
  };
}

/** Every figure the page marks with `data-field` inside `selector`, by field. */
function shownFigures(page: Page, selector: string) {
  return page.$$eval(`${selector} [data-field]`, (nodes) =>
    Object.fromEntries(
      nodes.map((node) => [
        (node as HTMLElement).dataset.field!,
        {
          value: Number((node as HTMLElement).dataset.value),
          text: node.textContent ?? '',
        },
      ]),
    ),
  );
}

/**
 * What the page's own formatting (format.js, checked on its own below) makes of
 * a number. An expression string: a function would have its `import()` compiled
 * to `require` for Node.
 */
async function formatted(page: Page, kind: string, value: number) {
  return page.evaluate<string>(
    `import('/dashboard/format.js').then((f) => f[${JSON.stringify(kind)}](${value}))`,
  );
}

const FORMAT_OF: Record<string, string> = {
  requests: 'count',
  tokens: 'tokens',
  premiumRequests: 'decimal',
  credits: 'credits',
};

/** The row's (or tiles') figures equal `expected`, both the numbers and their text. */
async function expectFigures(
  page: Page,
  selector: string,
  expected: Record<string, number>,
) {
  const shown = await shownFigures(page, selector);
  for (const [field, value] of Object.entries(expected)) {
    expect({ field, value: shown[field]?.value }).toEqual({ field, value });
    expect(shown[field].text).toBe(
      await formatted(page, FORMAT_OF[field], value),
    );
  }
}

/** What the chart draws now: series by model, their colours, and the dates under the bars. */
function drawnChart(page: Page) {
  return page.evaluate(() => {
    const canvas = document.getElementById('chart') as HTMLCanvasElement;
    const chart = (
      window as unknown as {
        Chart: {
          getChart(c: HTMLCanvasElement): {
            data: {
              labels: string[];
              datasets: {
                label: string;
                data: number[];
                backgroundColor: string;
              }[];
            };
            scales: { x: { ticks: { label: string }[] } };
          };
        };
      }
    ).Chart.getChart(canvas);
    return {
      labels: chart.data.labels.length,
      lastLabel: chart.data.labels.at(-1),
      lastTick: chart.scales.x.ticks.at(-1)?.label,
      series: Object.fromEntries(
        chart.data.datasets.map((d) => [d.label, d.data]),
      ),
      colors: Object.fromEntries(
        chart.data.datasets.map((d) => [d.label, d.backgroundColor]),
      ),
    };
  });
}

describe('the usage dashboard in a real browser', () => {
  /** Alice's models' colours, seen in her own view (compared with the admin's). */
  let aliceColors: Record<string, string> = {};
  /** Proxies of single tests, whose pages the browser loaded too. */
  const otherOrigins: string[] = [];
  let fake: FakeCopilotApi;
  let proxy: TestApp;
  let open: { fake: FakeCopilotApi; proxy: TestApp };
  let context: BrowserContext;
  const clock = new DaysBackClock();
  /** Every URL the browser asked for. */
  const fetched: string[] = [];
  /** CSP violations and uncaught errors, from every page. */
  const violations: string[] = [];
  const pageErrors: string[] = [];

  const usageOf = async (key?: string): Promise<UsageBody> =>
    (await (
      await fetch(`${proxy.url}/usage`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      })
    ).json()) as UsageBody;

  async function chat(
    key: string,
    model: string,
    prompt: number,
    completion: number,
    nanoAiu: number,
  ) {
    fake.script(
      '/chat/completions',
      chatAnswer(model, prompt, completion, nanoAiu),
    );
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    const body = await res.text();
    expect({ status: res.status, body }).toEqual({
      status: 200,
      body: expect.any(String),
    });
  }

  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { violations: string[] }).violations ??= [];
        (window as unknown as { violations: string[] }).violations.push(
          `${event.violatedDirective} ${event.blockedURI}`,
        );
      });
    });
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text()))
        violations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  async function violationsOn(page: Page): Promise<string[]> {
    return page.evaluate(
      () => (window as unknown as { violations?: string[] }).violations ?? [],
    );
  }

  /** A screenshot in test/output, copied for the lead engineer (not from CI). */
  async function save(page: Page, name: string, fullPage = false) {
    await page.screenshot({ path: join(OUTPUT, name), fullPage });
    if (existsSync(NOTES) && !process.env.CI)
      copyFileSync(join(OUTPUT, name), join(NOTES, name));
  }

  async function signIn(page: Page, key: string) {
    await page.goto(`${proxy.url}/dashboard`);
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    await page.locator('#key').fill(key);
    await page.locator('#key').press('Enter');
    await page.locator('#content').waitFor({ state: 'visible' });
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: the dashboard tests drive Debian's chromium (apt-get install -y chromium; .ci/run does it)`,
      );
    }
    fake = await new FakeCopilotApi({ githubTokens: [GITHUB_TOKEN] }).start();
    fake.copilotUsage = true;
    const keysFile = join(mkdtempSync(join(tmpdir(), 'dash-keys-')), 'k.yaml');
    writeFileSync(keysFile, KEYS);
    proxy = await startApp(
      {
        GITHUB_TOKEN,
        GITHUB_API_BASE_URL: fake.url,
        COPILOT_API_BASE_URL: fake.url,
        PROXY_KEYS_FILE: keysFile,
      },
      (builder) => builder.overrideProvider(Clock).useValue(clock),
    );
    await waitFor(() => fake.tokenExchanges >= 1);

    // Two weeks of traffic, a few models, the day's amounts varying.
    const spend: [string, string, number, number, number][] = [
      [ALICE, 'claude-sonnet-4.5', 42_000, 3_100, 2_600_000_000],
      [ALICE, 'gpt-5-mini', 18_500, 2_200, 310_000_000],
      [BOB, 'claude-opus-4.6', 9_800, 1_400, 4_900_000_000],
      [BOB, 'gpt-4.1', 6_400, 900, 0],
      [ADMIN, 'gemini-2.5-pro', 12_000, 1_600, 1_100_000_000],
    ];
    for (let back = 13; back >= 0; back--) {
      clock.daysBack = back;
      const wave = 1 + ((back * 7) % 5) / 2;
      for (const [key, model, prompt, completion, nano] of spend) {
        if ((back + model.length) % 4 === 0) continue;
        await chat(
          key,
          model,
          Math.round(prompt * wave),
          Math.round(completion * wave),
          Math.round(nano * wave),
        );
      }
    }
    clock.daysBack = 0;
    // A busy day: budgets part used.
    await chat(ALICE, 'claude-sonnet-4.5', 63_000, 4_650, 3_900_000_000);
    await chat(BOB, 'claude-opus-4.6', 27_000, 4_000, 7_300_000_000);

    // The same proxy with keys off: anyone sees it all.
    const openFake = await new FakeCopilotApi().start();
    openFake.copilotUsage = true;
    openFake.quotaSnapshot =
      'ent=300&ov=0.0&ovPerm=false&rem=40&rst=2026-12-31T00:00:00Z';
    const openProxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: openFake.url,
    });
    open = { fake: openFake, proxy: openProxy };
    const res = await fetch(`${openProxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    await res.text();

    context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'dashboard-chromium-')),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1280, height: 800 },
        locale: 'en-US',
        timezoneId: 'UTC',
      },
    );
    context.on('request', (request) => fetched.push(request.url()));
    mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await proxy?.close();
    await fake?.stop();
    await open?.proxy.close();
    await open?.fake.stop();
  });

  it('formats numbers readably: thousands separators, tokens in k and M, small credits', async () => {
    const page = await newPage();
    await page.goto(`${proxy.url}/dashboard`);
    expect(await formatted(page, 'count', 1_234_567)).toBe('1,234,567');
    expect(await formatted(page, 'tokens', 950)).toBe('950');
    expect(await formatted(page, 'tokens', 1_234)).toBe('1.2k');
    expect(await formatted(page, 'tokens', 123_456)).toBe('123k');
    expect(await formatted(page, 'tokens', 999_950)).toBe('1M');
    expect(await formatted(page, 'tokens', 12_345_678)).toBe('12.3M');
    expect(await formatted(page, 'credits', 0)).toBe('0');
    expect(await formatted(page, 'credits', 0.002468)).toBe('0.00247');
    expect(await formatted(page, 'credits', 1234.567)).toBe('1,234.57');
    expect(await formatted(page, 'decimal', 12.333)).toBe('12.33');
    await page.close();
  });

  it('shows a plain key its own figures, equal to GET /usage, its budgets, and only itself', async () => {
    const page = await newPage();
    await signIn(page, ALICE);
    const usage = await usageOf(ALICE);
    expect(usage.keys).toBeUndefined();

    await expect(page.locator('#who').textContent()).resolves.toBe(
      'Signed in as alice',
    );
    expect(await page.locator('#keys-body tr').count()).toBe(1);
    for (const period of ['month', 'day'] as const) {
      await page.locator(`[data-period="${period}"]`).click();
      const report = usage.periods.find((p) => p.period === period)!;
      expect(report.totals.requests).toBeGreaterThan(0);
      await expectFigures(page, '[data-key="alice"]', figuresOf(report));
      await expectFigures(page, '#totals', figuresOf(report));
    }

    // Both of its budgets (a day's credits and tokens) as bars against the quota.
    const budgeted = usage.periods.find((p) => p.budgets)!;
    expect(budgeted.period).toBe('day');
    const bars = await page.$$eval(
      '[data-key="alice"] [data-budget]',
      (nodes) =>
        nodes.map((node) => {
          const figures = node.querySelector<HTMLElement>('[data-used]')!;
          const meter = node.querySelector('meter')!;
          return {
            kind: (node as HTMLElement).dataset.budget,
            used: Number(figures.dataset.used),
            limit: Number(figures.dataset.limit),
            meter: meter.value,
            max: meter.max,
          };
        }),
    );
    expect(bars).toEqual(
      budgeted.budgets!.map((b) => ({
        kind: b.kind,
        used: b.used,
        limit: b.limit,
        meter: Math.min(b.used, b.limit),
        max: b.limit,
      })),
    );
    expect(bars.map((b) => b.kind).sort()).toEqual(['credits', 'tokens']);

    // Nobody else, and no account quota: that is for readAllUsage.
    expect(await page.locator('[data-key="bob"]').count()).toBe(0);
    expect(await page.locator('#account-card').isHidden()).toBe(true);
    expect(await page.locator('#chart-key').isHidden()).toBe(true);

    // The key is in this tab's sessionStorage, never in the URL.
    expect(page.url()).toBe(`${proxy.url}/dashboard`);
    expect(
      await page.evaluate(() =>
        sessionStorage.getItem('copilot-proxy.dashboard.key'),
      ),
    ).toBe(ALICE);
    expect(fetched.some((url) => url.includes(ALICE))).toBe(false);
    expect(await violationsOn(page)).toEqual([]);
    await page.close();
  });

  it('draws the daily chart for the last 30 days by model, tokens or credits, equal to /usage/history', async () => {
    const page = await newPage();
    await signIn(page, ALICE);
    const box = await page.locator('#chart').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(150);

    const history = (await (
      await fetch(`${proxy.url}/usage/history`, {
        headers: { authorization: `Bearer ${ALICE}` },
      })
    ).json()) as HistoryBody;
    const days = history.keys[0].days;
    expect(days).toHaveLength(30);
    const drawn = () => drawnChart(page);
    const perModel = (measure: (c: Counters) => number) => {
      const models = new Set(days.flatMap((d) => Object.keys(d.models)));
      return Object.fromEntries(
        [...models].map((model) => [
          model,
          days.map((d) => (d.models[model] ? measure(d.models[model]) : 0)),
        ]),
      );
    };
    const tokens = await drawn();
    expect(tokens.labels).toBe(30);
    expect(tokens.series).toEqual(
      perModel((c) => c.promptTokens + c.completionTokens),
    );
    expect(Object.keys(tokens.series).sort()).toEqual([
      'claude-sonnet-4.5',
      'gpt-5-mini',
    ]);

    await page.locator('[data-metric="credits"]').click();
    await expect(page.locator('#chart-title').textContent()).resolves.toBe(
      'AI credits per day',
    );
    const credits = await drawn();
    const expected = perModel((c) => c.nanoAiu / 1e9);
    for (const [model, values] of Object.entries(expected)) {
      values.forEach((value, i) =>
        expect(credits.series[model][i]).toBeCloseTo(value, 9),
      );
    }

    // Premium requests per day, a chart of their own.
    await page.locator('[data-metric="premium"]').click();
    await expect(page.locator('#chart-title').textContent()).resolves.toBe(
      'Premium requests per day',
    );
    const premium = await drawn();
    const premiumExpected = perModel((c) => c.premiumRequests);
    expect(
      Object.values(premiumExpected)
        .flat()
        .some((v) => v > 0),
    ).toBe(true);
    for (const [model, values] of Object.entries(premiumExpected)) {
      // A model that cost no premium request (×0) draws no series.
      if (values.every((v) => v === 0)) {
        expect(premium.series[model]).toBeUndefined();
        continue;
      }
      values.forEach((value, i) =>
        expect(premium.series[model][i]).toBeCloseTo(value, 9),
      );
    }

    // The newest bar is dated: the last tick under the bars is today's date.
    for (const view of [tokens, credits, premium]) {
      expect(view.lastTick).toBe(view.lastLabel);
      expect(view.lastLabel).toBe(
        await page.evaluate(
          `import('/dashboard/format.js').then((f) => f.day(${JSON.stringify(days.at(-1)!.date)}))`,
        ),
      );
    }
    // A model keeps its colour whatever is drawn.
    expect(credits.colors).toEqual(tokens.colors);
    for (const [model, color] of Object.entries(premium.colors))
      expect(color).toBe(tokens.colors[model]);
    aliceColors = tokens.colors;
    await page.close();
  });

  it('shows a readAllUsage key every key, each equal to /usage, the top models and the Copilot account; saves screenshots', async () => {
    const page = await newPage();
    await signIn(page, ADMIN);
    const usage = await usageOf(ADMIN);
    expect(usage.keys!.map((k) => k.key).sort()).toEqual([
      'admin',
      'alice',
      'bob',
    ]);
    await expect(page.locator('#who').textContent()).resolves.toBe(
      'Signed in as admin · sees all 3 keys',
    );
    for (const entry of usage.keys!) {
      const month = entry.periods.find((p) => p.period === 'month')!;
      await expectFigures(page, `[data-key="${entry.key}"]`, figuresOf(month));
    }
    // bob's budgets are daily: they show on every period's view.
    expect(await page.locator('[data-key="bob"] [data-budget]').count()).toBe(
      2,
    );
    expect(await page.locator('[data-key="admin"] [data-budget]').count()).toBe(
      0,
    );

    // Top models: every key's models summed, biggest (by tokens) first.
    const summed = new Map<string, number>();
    for (const entry of usage.keys!) {
      const month = entry.periods.find((p) => p.period === 'month')!;
      for (const [model, c] of Object.entries(month.models))
        summed.set(
          model,
          (summed.get(model) ?? 0) + c.promptTokens + c.completionTokens,
        );
    }
    const ranked = [...summed].sort((a, b) => b[1] - a[1]);
    const rows = await page.$$eval('#models-body tr', (nodes) =>
      nodes.map((node) => [
        (node as HTMLElement).dataset.model,
        Number(
          node.querySelector<HTMLElement>('[data-field="tokens"]')!.dataset
            .value,
        ),
      ]),
    );
    expect(rows).toEqual(ranked.slice(0, 8));

    // The Copilot account, from GitHub's copilot_internal/user (the fake's).
    await page.locator('#account-card').waitFor({ state: 'visible' });
    const account = await shownFigures(page, '#account-card');
    expect(account.premiumRemaining).toEqual({ value: 262.5, text: '262.5' });
    await expect(
      page.locator('#account-card [data-field="resetDate"]').textContent(),
    ).resolves.toBe('Dec 1, 2026');
    await expect(page.locator('#account-card').textContent()).resolves.toMatch(
      /of 300/,
    );

    // The chart can show one key alone.
    await page.locator('#chart-key').selectOption('bob');
    const labels = await page.evaluate(() =>
      (
        window as unknown as {
          Chart: {
            getChart(c: Element): { data: { datasets: { label: string }[] } };
          };
        }
      ).Chart.getChart(document.getElementById('chart')!)
        .data.datasets.map((d) => d.label)
        .sort(),
    );
    expect(labels).toEqual(['claude-opus-4.6', 'gpt-4.1']);
    await page.locator('#chart-key').selectOption('');
    // Colours follow the model, not its rank among what is drawn.
    const all = await drawnChart(page);
    expect(Object.keys(all.colors).length).toBeGreaterThan(2);
    for (const [model, color] of Object.entries(aliceColors))
      expect({ model, color: all.colors[model] }).toEqual({ model, color });

    // The proxy's premium count beside GitHub's, each saying what it covers.
    const proxyPremium = usage.keys!.reduce(
      (total, entry) =>
        total +
        entry.periods.find((p) => p.period === 'month')!.totals.premiumRequests,
      0,
    );
    const relation = await shownFigures(page, '#account-card');
    expect(relation.proxyPremium.value).toBeCloseTo(proxyPremium, 9);
    expect(relation.premiumUsedOnGitHub.value).toBe(37.5);
    await expect(
      page.locator('[data-field="premiumUsedOnGitHub"]').textContent(),
    ).resolves.toMatch(/every client of the account/);

    await save(page, 'dashboard.png', true);
    await save(page, 'dashboard-fold.png');
    // A narrow window: nothing wider than the screen, the tables as blocks.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    expect(
      await page.evaluate(
        () => document.documentElement.scrollWidth <= window.innerWidth,
      ),
    ).toBe(true);
    const chartBox = await page.locator('#chart').boundingBox();
    expect(chartBox!.width).toBeGreaterThan(200);
    await save(page, 'dashboard-narrow.png', true);
    expect(await violationsOn(page)).toEqual([]);
    await page.close();
  });

  it('shows a key at its budget why its calls are refused, above the fold at 1280×800, and its team lead which keys are at theirs', async () => {
    const CAROL = 'sk-carol-dashboard-0123456789';
    const LEAD = 'sk-lead-dashboard-0123456789';
    const budgetFake = await new FakeCopilotApi().start();
    const keysFile = join(mkdtempSync(join(tmpdir(), 'dash-keys-')), 'k.yaml');
    writeFileSync(
      keysFile,
      `keys:\n  - name: lead\n    key: ${LEAD}\n    readAllUsage: true\n  - name: carol\n    key: ${CAROL}\n    quota: { period: day, tokens: 1000 }\n`,
    );
    const budgetProxy = await startApp({
      COPILOT_TOKEN: 'test-copilot-token',
      COPILOT_API_BASE_URL: budgetFake.url,
      PROXY_KEYS_FILE: keysFile,
    });
    otherOrigins.push(new URL(budgetProxy.url).origin);
    try {
      budgetFake.script(
        '/chat/completions',
        chatAnswer('gpt-4.1', 1_200, 300, 0),
      );
      const spent = await fetch(`${budgetProxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${CAROL}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          model: 'gpt-4.1',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'Hi' }],
        }),
      });
      expect(spent.status).toBe(200);
      await spent.text();

      const page = await newPage();
      await page.goto(`${budgetProxy.url}/dashboard`);
      await page.locator('#key').fill(CAROL);
      await page.locator('#key').press('Enter');
      const alert = page.locator('#budget-alert');
      await alert.waitFor({ state: 'visible' });
      await expect(
        page.locator('#budget-alert-title').textContent(),
      ).resolves.toBe('Budget used up');
      await expect(alert.textContent()).resolves.toMatch(
        /This key has used 1\.5k of 1k tokens today: its model calls are refused until the budget resets in \d+ (min|h)/,
      );
      const box = (await alert.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(800);
      expect(await violationsOn(page)).toEqual([]);
      await save(page, 'dashboard-over-budget.png');

      // The lead sees which key is at its budget, by name.
      await page.locator('#sign-out').click();
      await page.locator('#key').fill(LEAD);
      await page.locator('#key').press('Enter');
      await page.locator('#budget-alert [data-key="carol"]').waitFor();
      await expect(
        page.locator('#budget-alert-title').textContent(),
      ).resolves.toBe('Keys at their budget');
      await expect(
        page.locator('#budget-alert [data-key="carol"]').textContent(),
      ).resolves.toMatch(/^carol has used 1\.5k of 1k tokens today/);
      await save(page, 'dashboard-lead.png');

      // A key with no usage in the chart: the empty note, and no value axis of
      // made-up figures beside it.
      await page.locator('#chart-key').selectOption('lead');
      await page.locator('#chart-empty').waitFor({ state: 'visible' });
      expect(
        await page.evaluate(
          () =>
            (
              window as unknown as {
                Chart: {
                  getChart(c: Element): {
                    options: { scales: { y: { display: boolean } } };
                  };
                };
              }
            ).Chart.getChart(document.getElementById('chart')!).options.scales.y
              .display,
        ),
      ).toBe(false);
      await page.close();
    } finally {
      await budgetProxy.close();
      await budgetFake.stop();
    }
  });

  it('reads the figures again every 30 s', async () => {
    const page = await newPage();
    await page.clock.install();
    await signIn(page, ALICE);
    const before = (await usageOf(ALICE)).periods.find(
      (p) => p.period === 'month',
    )!.totals.requests;
    await expectFigures(page, '[data-key="alice"]', { requests: before });

    await chat(ALICE, 'gpt-5-mini', 100, 10, 1_000_000);
    await expectFigures(page, '[data-key="alice"]', { requests: before });
    await page.clock.runFor(30_500);
    await page
      .locator(
        `[data-key="alice"] [data-field="requests"][data-value="${before + 1}"]`,
      )
      .waitFor({ timeout: 5000 });
    await page.close();
  });

  it('shows a wrong key as a message and the key field again', async () => {
    const page = await newPage();
    await page.goto(`${proxy.url}/dashboard`);
    await page.locator('#key').fill('sk-not-a-key-0123456789');
    await page.locator('#key').press('Enter');
    await page.locator('#message').waitFor({ state: 'visible' });
    await expect(page.locator('#message').textContent()).resolves.toMatch(
      /refused this key \(Invalid API key\)/,
    );
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await page.locator('#content').isHidden()).toBe(true);
    expect(
      await page.evaluate(() =>
        sessionStorage.getItem('copilot-proxy.dashboard.key'),
      ),
    ).toBeNull();
    await save(page, 'dashboard-wrong-key.png');
    // A right key then works at once.
    await page.locator('#key').fill(ALICE);
    await page.locator('#key').press('Enter');
    await page.locator('[data-key="alice"]').waitFor();
    expect(await page.locator('#message').isHidden()).toBe(true);
    await page.close();
  });

  it('shows a stored key that no longer works (expired, removed) as a message, not a blank page', async () => {
    const page = await newPage();
    await page.addInitScript(() =>
      sessionStorage.setItem(
        'copilot-proxy.dashboard.key',
        'sk-removed-0123456789',
      ),
    );
    await page.goto(`${proxy.url}/dashboard`);
    await page.locator('#message').waitFor({ state: 'visible' });
    await expect(page.locator('#message').textContent()).resolves.toMatch(
      /wrong, expired or removed/,
    );
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    await page.close();
  });

  it('with keys off loads at once, without a key field, the account from the answers’ quota headers', async () => {
    const page = await newPage();
    await page.goto(`${open.proxy.url}/dashboard`);
    await page.locator('#content').waitFor({ state: 'visible' });
    expect(await page.locator('#sign-in').isHidden()).toBe(true);
    expect(await page.locator('#sign-out').isHidden()).toBe(true);
    await expect(page.locator('#who').textContent()).resolves.toMatch(
      /^Keys are off/,
    );
    const usage = (await (
      await fetch(`${open.proxy.url}/usage`)
    ).json()) as UsageBody;
    const month = usage.periods.find((p) => p.period === 'month')!;
    expect(month.totals.requests).toBe(1);
    await expectFigures(page, '[data-key="anonymous"]', figuresOf(month));
    // Not "Your key: anonymous": nobody signed in, everyone is counted here.
    await expect(page.locator('#keys-heading').textContent()).resolves.toBe(
      'All clients (keys are off)',
    );
    await expect(
      page.locator('[data-key="anonymous"] th').textContent(),
    ).resolves.toBe('Everyone (no key asked)');
    // ent=300, rem=40 (%): 120 left, until the snapshot's reset date.
    const account = await shownFigures(page, '#account-card');
    expect(account.premiumRemaining.value).toBe(120);
    expect(account.resetDate.text).toBe('Dec 31, 2026');
    expect(await violationsOn(page)).toEqual([]);
    await page.close();
  });

  it('serves strict security headers on every dashboard answer, revalidated caching, and proxies nothing under /dashboard', async () => {
    const chart = readFileSync(
      join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
      'utf8',
    );
    const dashboardRequests = () =>
      fake.requests.filter((r) => r.url.startsWith('/dashboard')).length;
    for (const [path, status, type] of [
      ['/dashboard', 200, 'text/html; charset=utf-8'],
      ['/dashboard/dashboard.js', 200, 'text/javascript; charset=utf-8'],
      ['/dashboard/format.js', 200, 'text/javascript; charset=utf-8'],
      ['/dashboard/daily-chart.js', 200, 'text/javascript; charset=utf-8'],
      ['/dashboard/dashboard.css', 200, 'text/css; charset=utf-8'],
      ['/dashboard/chart.umd.min.js', 200, 'text/javascript; charset=utf-8'],
      ['/dashboard/favicon.svg', 200, 'image/svg+xml'],
      ['/dashboard/nope.js', 404, 'application/json; charset=utf-8'],
      ['/dashboard/a/b', 404, 'application/json; charset=utf-8'],
    ] as const) {
      const res = await rawRequest(proxy.url + path);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers['content-type']).toBe(type);
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      if (status === 200) {
        expect(res.headers['cache-control']).toBe('no-cache');
        const again = await rawRequest(proxy.url + path, {
          headers: { 'if-none-match': res.headers.etag! },
        });
        expect(again.status).toBe(304);
        expect(again.body.length).toBe(0);
      }
      if (path === '/dashboard/chart.umd.min.js') {
        // The npm package's own build, served by the proxy (its map comment dropped).
        expect(res.body.toString()).toBe(
          chart.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
        );
        expect(res.body.toString()).toContain('Chart.js v4');
      }
    }
    const post = await rawRequest(proxy.url + '/dashboard', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers['content-security-policy']).toContain(
      "default-src 'self'",
    );
    // None of it reached the upstream.
    expect(dashboardRequests()).toBe(0);

    const html = (await rawRequest(proxy.url + '/dashboard')).body.toString();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('loaded nothing from outside the proxy and met no CSP violation or script error on any page', () => {
    const origins = new Set(fetched.map((url) => new URL(url).origin));
    expect([...origins].sort()).toEqual(
      [
        new URL(proxy.url).origin,
        new URL(open.proxy.url).origin,
        ...otherOrigins,
      ].sort(),
    );
    expect(fetched).toContainEqual(`${proxy.url}/dashboard/chart.umd.min.js`);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('the built proxy (dist, as the image runs it) serves the dashboard', () => {
  let fake: FakeCopilotApi;
  beforeAll(async () => {
    fake = await new FakeCopilotApi().start();
  });
  afterAll(() => fake.stop());
  const launch = useSpawnedApps(() => ({
    COPILOT_TOKEN: 'test-copilot-token',
    COPILOT_API_BASE_URL: fake.url,
  }));

  it('with every file of the page and Chart.js, copied into dist by the build', async () => {
    const app = await launch();
    for (const name of OWN_FILES) {
      const res = await rawRequest(`${app.url}/dashboard/${name}`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect(res.body.equals(readFileSync(join(SRC_ASSETS, name)))).toBe(true);
    }
    const page = await rawRequest(`${app.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(
      "default-src 'self'",
    );
    const chart = await rawRequest(`${app.url}/dashboard/${CHART_LIBRARY}`);
    expect(chart.status).toBe(200);
    expect(chart.body.toString()).toContain('Chart.js v4');
  });
});
