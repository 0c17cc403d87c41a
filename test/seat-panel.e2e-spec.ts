import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { FakeCopilotApi } from './support/fake-copilot-api';
import { FakeSeatsGitHub } from './support/fake-seats-github';
import { keysFile } from './support/keys-file';
import { emptyConfigHome, startApp, TestApp } from './support/test-app';

/** Debian's chromium, installed by `.ci/run`. */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = join(__dirname, 'output');
/** Where the lead engineer looks at the screenshots. */
const NOTES = '/work/notes';

const ALICE = 'sk-alice-panel-0123456789';
const TEAM = 'sk-team-panel-0123456789';

/** The dashboard's "Connect your GitHub Copilot" panel (SPEC §14), in Chromium. */
describe('Dashboard: the seat panel', () => {
  let copilot: FakeCopilotApi;
  let github: FakeSeatsGitHub;
  let proxy: TestApp;
  let context: BrowserContext;
  const problems: string[] = [];

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
    page.on('pageerror', (error) => problems.push(error.message));
    return page;
  }

  async function signIn(page: Page, key: string) {
    await page.goto(`${proxy.url}/dashboard`);
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    await page.locator('#key').fill(key);
    await page.locator('#key').press('Enter');
    await page.locator('#content').waitFor({ state: 'visible' });
  }

  /** A screenshot in test/output, copied for the lead engineer (not from CI). */
  async function save(page: Page, name: string) {
    await page.screenshot({ path: join(OUTPUT, name) });
    if (existsSync(NOTES) && !process.env.CI)
      copyFileSync(join(OUTPUT, name), join(NOTES, name));
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: the dashboard tests drive Debian's chromium`,
      );
    copilot = await new FakeCopilotApi().start();
    github = await new FakeSeatsGitHub(copilot).start();
    github.addToken('gho_panelProxyOwner', 'proxy-owner');
    proxy = await startApp({
      GITHUB_TOKEN: 'gho_panelProxyOwner',
      GITHUB_API_BASE_URL: github.url,
      GITHUB_BASE_URL: github.url,
      COPILOT_API_BASE_URL: copilot.url,
      SEATS_SECRET: 'seat-panel-secret-0123456789abcdefgh',
      XDG_CONFIG_HOME: emptyConfigHome(),
      PROXY_KEYS_FILE: keysFile(`
keys:
  - name: alice-laptop
    key: ${ALICE}
    seat: own
  - name: team
    key: ${TEAM}
`),
    });
    context = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'seat-panel-chromium-')),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
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
    mkdirSync(OUTPUT, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await proxy?.close();
    await github?.stop();
    await copilot?.stop();
  });

  it('offers an unlinked own-seat key to connect, shows the code and the link, waits, then shows the login', async () => {
    const page = await newPage();
    await signIn(page, ALICE);
    const panel = page.locator('#seat-panel');
    await panel.waitFor({ state: 'visible' });
    await expect(panel.locator('h2').textContent()).resolves.toBe(
      'Connect your GitHub Copilot',
    );
    await save(page, 'seat-panel-offer.png');
    await panel.getByRole('button', { name: 'Connect GitHub Copilot' }).click();
    const code = page.locator('#seat-code');
    await code.waitFor({ state: 'visible' });
    const userCode = (await code.textContent()) ?? '';
    expect(userCode).toMatch(/^SEAT-\d+$/);
    await expect(
      page.locator('#seat-verify').getAttribute('href'),
    ).resolves.toBe('https://github.com/login/device');
    await expect(
      page.locator('#seat-verify').getAttribute('rel'),
    ).resolves.toBe('noopener noreferrer');
    await save(page, 'seat-panel.png');

    github.approve(userCode, 'alice');
    await page.locator('#seat-login').waitFor({ state: 'visible' });
    await expect(page.locator('#seat-login').textContent()).resolves.toBe(
      'alice',
    );
    await expect(panel.locator('h2').textContent()).resolves.toBe(
      'GitHub Copilot connected',
    );
    // The seat's own plan and quota, from its /usage.
    await page
      .locator('#seat-plan', { hasText: 'Plan: individual' })
      .waitFor({ state: 'visible' });
    await expect(page.locator('#seat-plan').textContent()).resolves.toBe(
      'Plan: individual · 300 of 300 premium requests left',
    );
    await save(page, 'seat-panel-linked.png');
    // The proxy agrees: the key's requests now go on alice's seat.
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ALICE}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'gpt-4o', messages: [] }),
    });
    await res.text();
    expect(res.status).toBe(200);
    expect(
      github.ownerOf(
        copilot.lastRequest('/chat/completions')?.headers.authorization,
      ),
    ).toBe('alice');

    // A page loaded later shows the linked seat at once; Disconnect unlinks it.
    const again = await newPage();
    await signIn(again, ALICE);
    await again.locator('#seat-login').waitFor({ state: 'visible' });
    await again.getByRole('button', { name: 'Disconnect' }).click();
    await again
      .getByRole('button', { name: 'Connect GitHub Copilot' })
      .waitFor({ state: 'visible' });
    expect(
      await again.evaluate(
        () => (window as unknown as { violations?: string[] }).violations ?? [],
      ),
    ).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows nothing to a key on the shared login', async () => {
    const page = await newPage();
    const seatCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/seats/')) seatCalls.push(r.url());
    });
    await signIn(page, TEAM);
    // The panel read the key's /usage: "seat": "shared", nothing to link.
    await page.locator('html[data-seat="none"]').waitFor({ state: 'attached' });
    expect(seatCalls).toEqual([]);
    await expect(page.locator('#seat-panel').isVisible()).resolves.toBe(false);
    expect(problems).toEqual([]);
  });
});
