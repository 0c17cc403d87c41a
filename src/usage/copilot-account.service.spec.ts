import type { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import type { MetricsService } from '../metrics/metrics.service';
import { CopilotAccount } from './copilot-account.service';

function account() {
  const config = {
    get: () => ({ copilotToken: 't', githubToken: undefined }),
  } as unknown as ConfigService<Settings, true>;
  const inc = jest.fn();
  const metrics = {
    upstreamRateLimited: { inc },
  } as unknown as MetricsService;
  return { account: new CopilotAccount(config, metrics), inc };
}

const PREMIUM = 'X-Quota-Snapshot-Premium_Interactions';

describe('CopilotAccount.observe', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps the latest snapshot per quota, its fields read from the header', () => {
    const { account: copilot } = account();
    copilot.observe(200, [
      PREMIUM,
      'ent=300&rem=50.5&rst=2026-12-31',
      'X-Request-Id',
      'a',
    ]);
    copilot.observe(200, ['x-quota-snapshot-chat', 'ent=-1&ov=0']);
    copilot.observe(200, [PREMIUM, 'ent=300&rem=49&rst=2026-12-31']);
    const snapshots = copilot.quotaSnapshots();
    expect(Object.keys(snapshots).sort()).toEqual([
      'chat',
      'premium_interactions',
    ]);
    expect(snapshots.premium_interactions.fields).toEqual({
      ent: '300',
      rem: '49',
      rst: '2026-12-31',
    });
    expect(snapshots.chat.fields).toEqual({ ent: '-1', ov: '0' });
  });

  it('dates a snapshot by its latest sighting, even when its value did not change', () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
    const { account: copilot } = account();
    copilot.observe(200, [PREMIUM, 'ent=300&rem=50']);
    expect(copilot.quotaSnapshots().premium_interactions.seenAt).toBe(
      '2026-12-07T10:00:00.000Z',
    );
    jest.setSystemTime(new Date('2026-12-07T10:05:00Z'));
    copilot.observe(200, [PREMIUM, 'ent=300&rem=50']);
    const later = copilot.quotaSnapshots().premium_interactions;
    expect(later.seenAt).toBe('2026-12-07T10:05:00.000Z');
    expect(later.fields).toEqual({ ent: '300', rem: '50' });
  });

  it('parses a snapshot only when read after its value changed', () => {
    const { account: copilot } = account();
    copilot.observe(200, [PREMIUM, 'ent=300&rem=50']);
    const first = copilot.quotaSnapshots().premium_interactions.fields;
    copilot.observe(200, [PREMIUM, 'ent=300&rem=50']);
    // The same fields object: the unchanged value was not parsed again.
    expect(copilot.quotaSnapshots().premium_interactions.fields).toBe(first);
    copilot.observe(200, [PREMIUM, 'ent=300&rem=48']);
    const changed = copilot.quotaSnapshots().premium_interactions.fields;
    expect(changed).not.toBe(first);
    expect(changed).toEqual({ ent: '300', rem: '48' });
  });

  it('counts an upstream 429 by the limit it names', () => {
    const { account: copilot, inc } = account();
    copilot.observe(429, ['X-RateLimit-Exceeded', 'user_model_rate_limit']);
    copilot.observe(429, ['x-ratelimit-exceeded', 'bad limit name!']);
    copilot.observe(200, ['x-ratelimit-exceeded', 'ignored']);
    expect(inc.mock.calls).toEqual([
      [{ limit: 'user_model_rate_limit' }],
      [{ limit: 'unknown' }],
    ]);
  });
});
