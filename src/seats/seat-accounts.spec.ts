import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parseSettings, Settings } from '../config/settings';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import { MetricsService } from '../metrics/metrics.service';
import { CopilotAccount } from '../usage/copilot-account.service';
import { SeatAccounts } from './seat-accounts.service';
import { SeatCipher } from './seat-cipher';
import { SeatStore } from './seat-store';

/** Each seat is its own account for the state kept from upstream answers (SPEC §14). */
describe('per-seat account state', () => {
  const settings = parseSettings({ COPILOT_TOKEN: 'tok' });
  const config = {
    get: (name: keyof typeof settings) => settings[name],
  } as unknown as ConfigService<never, true>;
  const metrics = new MetricsService();

  it("keeps a seat's quota snapshots apart from the proxy's and from other seats'", () => {
    const account = new CopilotAccount(config, metrics);
    const headers = (rem: string) => [
      'x-quota-snapshot-premium_interactions',
      `ent=300&rem=${rem}`,
    ];
    account.observe(200, headers('10'));
    account.observe(200, headers('20'), 'seat-a');
    account.observe(200, headers('30'), 'seat-b');
    expect(account.quotaSnapshots().premium_interactions.fields.rem).toBe('10');
    expect(
      account.quotaSnapshots('seat-a').premium_interactions.fields.rem,
    ).toBe('20');
    expect(
      account.quotaSnapshots('seat-b').premium_interactions.fields.rem,
    ).toBe('30');
    expect(account.quotaSnapshots('seat-c')).toEqual({});
  });

  it("warns of a 466 once per seat: one seat's warning does not silence another's", () => {
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    const fingerprint = new CopilotFingerprint(config, metrics);
    fingerprint.observe(466, 'alice');
    fingerprint.observe(466, 'alice');
    fingerprint.observe(466, 'bob');
    fingerprint.observe(466);
    fingerprint.observe(466);
    const messages = warn.mock.calls.map((call) => String(call[0]));
    expect(messages).toHaveLength(3);
    expect(messages[0]).toContain('on the seat of alice');
    expect(messages[1]).toContain('on the seat of bob');
    expect(messages[2]).not.toContain('seat');
    warn.mockRestore();
  });
});

describe('SeatAccounts', () => {
  const OLD = 'o'.repeat(40);
  const NEW = 'n'.repeat(40);
  const KEYS = `keys:\n  - name: alice\n    key: sk-alice-0123456789\n    seat: own\n`;

  class MemoryStore extends SeatStore {
    readonly seats = new Map<string, string>();
    get(name: string) {
      return Promise.resolve(this.seats.get(name));
    }
    put(name: string, sealed: string) {
      this.seats.set(name, sealed);
      return Promise.resolve();
    }
    delete(name: string) {
      this.seats.delete(name);
      return Promise.resolve();
    }
  }

  function accounts(store: SeatStore, env: Record<string, string>) {
    const settings = parseSettings(
      { PROXY_KEYS_FILE: '/k.yaml', ...env },
      { readFile: () => KEYS },
    );
    const config = {
      get: (name: keyof typeof settings) => settings[name],
    } as unknown as ConfigService<Settings, true>;
    const metrics = new MetricsService();
    return new SeatAccounts(
      store,
      new CopilotFingerprint(config, metrics),
      metrics,
      config,
    );
  }

  it('opens a seat sealed under SEATS_SECRET_PREVIOUS and writes it back under SEATS_SECRET', async () => {
    const store = new MemoryStore();
    store.seats.set('alice', new SeatCipher(OLD).seal('alice', 'al', 'gho_a'));
    const seats = accounts(store, {
      SEATS_SECRET: NEW,
      SEATS_SECRET_PREVIOUS: OLD,
    });
    expect((await seats.seat('alice'))?.login).toBe('al');
    const rewritten = store.seats.get('alice')!;
    expect(new SeatCipher(NEW).open('alice', rewritten)?.githubToken).toBe(
      'gho_a',
    );
    expect(new SeatCipher(OLD).open('alice', rewritten)).toBeUndefined();
    // The same seat is held while its record stays the same.
    expect(await seats.seat('alice')).toBe(await seats.seat('alice'));
    seats.onApplicationShutdown();
  });

  it('answers a seat that opens with neither secret as unlinked, and an unlinked one too', async () => {
    const store = new MemoryStore();
    store.seats.set('alice', new SeatCipher(OLD).seal('alice', 'al', 'gho_a'));
    const seats = accounts(store, { SEATS_SECRET: NEW });
    expect(await seats.seat('alice')).toBeUndefined();
    await seats.unlink('alice');
    expect(await seats.seat('alice')).toBeUndefined();
    expect(await seats.linkedLogin('alice')).toBeUndefined();
  });

  it('opens one seat for parallel first calls: one token provider, none left running', async () => {
    const store = new MemoryStore();
    store.seats.set('alice', new SeatCipher(NEW).seal('alice', 'al', 'gho_a'));
    const seats = accounts(store, { SEATS_SECRET: NEW });
    const [a, b, c] = await Promise.all([
      seats.seat('alice'),
      seats.seat('alice'),
      seats.seat('alice'),
    ]);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBe(a);
    seats.onApplicationShutdown();
  });
});
