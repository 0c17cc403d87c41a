import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parseSettings } from '../config/settings';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import { MetricsService } from '../metrics/metrics.service';
import { CopilotAccount } from '../usage/copilot-account.service';

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
