import type { TokenExchanger } from '../copilot/token/exchanging-token.provider';
import type { ExchangedToken } from '../copilot/token/github-token-exchange';
import { ProxyError } from '../errors/proxy-error';
import { isCopilotOrigin, SeatTokens } from './seat-tokens';

class Exchanger implements TokenExchanger {
  apiBaseUrl: string | undefined = 'https://api.business.githubcopilot.com';
  fail: Error | undefined;
  exchange(): Promise<ExchangedToken> {
    if (this.fail) return Promise.reject(this.fail);
    const now = Date.now();
    return Promise.resolve({
      token: 'copilot-token',
      expiresAt: now + 1_800_000,
      refreshAt: now + 1_500_000,
      apiBaseUrl: this.apiBaseUrl,
    });
  }
}

describe('isCopilotOrigin', () => {
  it('accepts only https hosts under githubcopilot.com', () => {
    expect(isCopilotOrigin('https://api.githubcopilot.com')).toBe(true);
    expect(isCopilotOrigin('https://api.business.githubcopilot.com')).toBe(
      true,
    );
    expect(isCopilotOrigin('http://api.githubcopilot.com')).toBe(false);
    expect(isCopilotOrigin('https://githubcopilot.com.evil.test')).toBe(false);
    expect(isCopilotOrigin('https://evilgithubcopilot.com')).toBe(false);
    expect(isCopilotOrigin('https://u:p@api.githubcopilot.com')).toBe(false);
    expect(isCopilotOrigin('not a url')).toBe(false);
  });
});

describe('SeatTokens', () => {
  let exchanger: Exchanger;
  const seats: SeatTokens[] = [];
  const seat = (configured?: string) => {
    const tokens = new SeatTokens(
      exchanger,
      'alice',
      configured,
      undefined,
      'gho_alice',
    );
    seats.push(tokens);
    return tokens;
  };

  beforeEach(() => (exchanger = new Exchanger()));
  afterEach(() => seats.splice(0).forEach((s) => s.stop()));

  it("uses the host of the seat's endpoints.api", async () => {
    expect((await seat().getCredentials()).apiBaseUrl).toBe(
      'https://api.business.githubcopilot.com',
    );
  });

  it('does not follow an endpoints.api outside https://*.githubcopilot.com', async () => {
    exchanger.apiBaseUrl = 'https://collector.evil.test';
    expect((await seat().getCredentials()).apiBaseUrl).toBe(
      'https://api.individual.githubcopilot.com',
    );
  });

  it('uses COPILOT_API_BASE_URL for every seat when it is set', async () => {
    expect((await seat('http://127.0.0.1:9').getCredentials()).apiBaseUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  it("answers GitHub's refusal of the person's token as seat_revoked, not to be retried", async () => {
    exchanger.fail = new ProxyError('github_token_rejected');
    await expect(seat().getCredentials()).rejects.toMatchObject({
      code: 'seat_revoked',
      status: 401,
      headers: { 'x-should-retry': 'false' },
    });
  });

  it('keeps other failures as they are', async () => {
    exchanger.fail = new ProxyError('copilot_not_available');
    await expect(seat().getCredentials()).rejects.toMatchObject({
      code: 'copilot_not_available',
    });
  });

  it('names its account by the GitHub token, not by the Copilot token', async () => {
    const a = await seat().getCredentials();
    const other = new SeatTokens(
      exchanger,
      'bob',
      undefined,
      undefined,
      'gho_bob',
    );
    seats.push(other);
    expect((await other.getCredentials()).account).not.toBe(a.account);
  });
});
