import { ProxyError } from '../../errors/proxy-error';
import {
  ExchangingTokenProvider,
  TokenExchanger,
} from './exchanging-token.provider';
import { ExchangedToken } from './github-token-exchange';

const MINUTE = 60_000;

/** An exchanger whose answers the test controls; counts calls. */
class ScriptedExchanger implements TokenExchanger {
  calls = 0;
  failWith: Error | undefined;
  /** Answer tokens whose expiry is already past (a skewed clock). */
  expired = false;
  pending: Array<() => void> = [];
  manual = false;

  exchange(): Promise<ExchangedToken> {
    this.calls++;
    const n = this.calls;
    const answer = (): ExchangedToken => {
      const now = Date.now();
      return {
        token: `copilot-${n}`,
        expiresAt: this.expired ? now - MINUTE : now + 30 * MINUTE,
        refreshAt: this.expired ? now - 2 * MINUTE : now + 25 * MINUTE,
        apiBaseUrl: 'https://api.example.test',
      };
    };
    if (this.failWith) return Promise.reject(this.failWith);
    if (!this.manual) return Promise.resolve(answer());
    return new Promise((resolve) => this.pending.push(() => resolve(answer())));
  }

  release(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

describe('ExchangingTokenProvider', () => {
  let exchanger: ScriptedExchanger;
  let provider: ExchangingTokenProvider;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
    exchanger = new ScriptedExchanger();
    provider = new ExchangingTokenProvider(
      exchanger,
      undefined,
      'https://fallback.test',
    );
  });
  afterEach(() => {
    provider.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('shares one exchange among all requests waiting for the first token', async () => {
    exchanger.manual = true;
    const waiting = Array.from({ length: 50 }, () => provider.getCredentials());
    exchanger.release();
    const all = await Promise.all(waiting);
    expect(exchanger.calls).toBe(1);
    expect(new Set(all.map((c) => c.token))).toEqual(new Set(['copilot-1']));
    expect(all[0].apiBaseUrl).toBe('https://api.example.test');
  });

  it('refreshes an idle proxy by timer at the refresh time', async () => {
    await provider.getCredentials();
    await jest.advanceTimersByTimeAsync(25 * MINUTE - 1000);
    expect(exchanger.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(exchanger.calls).toBe(2);
    expect((await provider.getCredentials()).token).toBe('copilot-2');
  });

  it('refreshes by the wall clock when the timer stalled (a sleeping laptop)', async () => {
    await provider.getCredentials();
    // The clock jumps past the refresh time without any timer having fired.
    jest.setSystemTime(Date.now() + 26 * MINUTE);
    const during = await provider.getCredentials();
    expect(during.token).toBe('copilot-1'); // still valid: used while the refresh runs
    expect(exchanger.calls).toBe(2);
    await Promise.resolve();
    expect((await provider.getCredentials()).token).toBe('copilot-2');
  });

  it('waits for the refresh when the held token has expired', async () => {
    await provider.getCredentials();
    exchanger.manual = true;
    jest.setSystemTime(Date.now() + 31 * MINUTE);
    const waiting = provider.getCredentials();
    const alsoWaiting = provider.getCredentials();
    exchanger.release();
    expect((await waiting).token).toBe('copilot-2');
    expect((await alsoWaiting).token).toBe('copilot-2');
    expect(exchanger.calls).toBe(2);
  });

  it('after a 401, hands out the token another request already refreshed', async () => {
    const first = await provider.getCredentials();
    const retried = await Promise.all(
      Array.from({ length: 20 }, () => provider.refreshAfterRejection(first)),
    );
    expect(exchanger.calls).toBe(2);
    expect(new Set(retried.map((c) => c?.token))).toEqual(
      new Set(['copilot-2']),
    );
    // A late request that still carries the old token gets the new one without an exchange.
    expect((await provider.refreshAfterRejection(first))?.token).toBe(
      'copilot-2',
    );
    expect(exchanger.calls).toBe(2);
  });

  it('retries a failing exchange with exponential backoff and fails fast meanwhile', async () => {
    exchanger.failWith = new ProxyError('github_token_rejected', {
      message: 'GitHub said no',
    });
    await expect(provider.getCredentials()).rejects.toMatchObject({
      status: 401,
      code: 'github_token_rejected',
    });
    expect(provider.status()).toEqual({
      ready: false,
      detail: 'GitHub said no',
    });
    // Inside the backoff window: no new exchange, the last error at once.
    await expect(provider.getCredentials()).rejects.toThrow('GitHub said no');
    expect(exchanger.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(exchanger.calls).toBe(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(exchanger.calls).toBe(3);
    await jest.advanceTimersByTimeAsync(4000);
    expect(exchanger.calls).toBe(4);
    exchanger.failWith = undefined;
    await jest.advanceTimersByTimeAsync(8000);
    expect(exchanger.calls).toBe(5);
    expect(provider.status().ready).toBe(true);
  });

  it('prefers a configured COPILOT_API_BASE_URL over endpoints.api', async () => {
    const pinned = new ExchangingTokenProvider(
      exchanger,
      'https://pinned.test',
      'https://fallback.test',
    );
    expect((await pinned.getCredentials()).apiBaseUrl).toBe(
      'https://pinned.test',
    );
    pinned.onApplicationShutdown();
  });

  it('is not ready before the first token, ready after', async () => {
    expect(provider.status()).toEqual({
      ready: false,
      detail: 'waiting for the first Copilot token',
    });
    provider.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    expect(provider.status().ready).toBe(true);
  });

  it('after a fresh token was refused too, 401s refresh nothing for 5 s', async () => {
    const first = await provider.getCredentials();
    const second = await provider.refreshAfterRejection(first);
    expect(second?.token).toBe('copilot-2');
    expect(exchanger.calls).toBe(2);
    // A path that always answers 401: the retry with the fresh token is refused too.
    provider.rejectedAfterRefresh();
    for (let i = 0; i < 20; i++) {
      expect(await provider.refreshAfterRejection(second!)).toBeUndefined();
      await jest.advanceTimersByTimeAsync(100);
    }
    expect(exchanger.calls).toBe(2);
    // The token refused without a refresh is still the one handed out.
    expect((await provider.getCredentials()).token).toBe('copilot-2');
    await jest.advanceTimersByTimeAsync(3000);
    expect((await provider.refreshAfterRejection(second!))?.token).toBe(
      'copilot-3',
    );
    expect(exchanger.calls).toBe(3);
  });

  it('after a 401 while GitHub fails: 503 with Retry-After, the refused token unused, not ready, backoff held', async () => {
    const first = await provider.getCredentials();
    exchanger.failWith = new Error('GitHub is down');
    await expect(provider.refreshAfterRejection(first)).rejects.toMatchObject({
      status: 503,
      code: 'copilot_token_exchange_failed',
      headers: { 'retry-after': '1' },
    });
    expect(exchanger.calls).toBe(2);
    expect(provider.status().ready).toBe(false);
    // Every request inside the backoff fails fast, without an exchange.
    for (let i = 0; i < 30; i++) {
      await expect(provider.getCredentials()).rejects.toMatchObject({
        status: 503,
        headers: { 'retry-after': '1' },
      });
      await expect(provider.refreshAfterRejection(first)).rejects.toMatchObject(
        { status: 503 },
      );
    }
    expect(exchanger.calls).toBe(2);
    exchanger.failWith = undefined;
    await jest.advanceTimersByTimeAsync(1000);
    expect(exchanger.calls).toBe(3);
    expect((await provider.getCredentials()).token).toBe('copilot-3');
    expect(provider.status().ready).toBe(true);
  });

  it('treats an already-expired token as a failure and backs off (a skewed clock)', async () => {
    exchanger.expired = true;
    provider.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5000);
    // 0 s, then 1 s and 2 s later (the next would be at 7 s): three, not hundreds.
    expect(exchanger.calls).toBe(3);
    expect(provider.status()).toEqual({
      ready: false,
      detail: expect.stringContaining('already expired'),
    });
  });

  it('keeps a minimum interval between exchanges when GitHub asks for an immediate refresh', async () => {
    const now = Date.now();
    exchanger.exchange = function () {
      this.calls++;
      return Promise.resolve({
        token: `copilot-${this.calls}`,
        expiresAt: Date.now() + 30 * MINUTE,
        refreshAt: now - MINUTE,
        apiBaseUrl: 'https://api.example.test',
      });
    };
    provider.onApplicationBootstrap();
    for (let i = 0; i < 50; i++) {
      await provider.getCredentials();
      await jest.advanceTimersByTimeAsync(20);
    }
    // 1 s of requests: the first exchange and at most one more.
    expect(exchanger.calls).toBeLessThanOrEqual(2);
  });
});
