import type { ServerResponse } from 'node:http';
import type { FakeCopilotApi } from './fake-copilot-api';
import { Exchange, json, parseBody } from './fake-http';

/** The OAuth app the Copilot editors log in with (the device flow checks it). */
const CLIENT_ID = 'Iv1.b507a08c87ecfe98';
const DEVICE_CODE = 'fake-device-code';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** GitHub's 401 for an unknown token: `{message: "Bad credentials", documentation_url}`. */
function badCredentials(res: ServerResponse): void {
  json(res, 401, {
    message: 'Bad credentials',
    documentation_url: 'https://docs.github.com/rest',
  });
}

/**
 * The GitHub endpoints the proxy depends on: the Copilot token exchange and the
 * account's plan and quotas (GitHub API), and the OAuth device flow (github.com). Neither needs a Copilot token. Reads its
 * settings from, and counts into, the public fields of the {@link FakeCopilotApi}.
 */
export class GitHubRoutes {
  private tokenSerial = 0;

  constructor(private readonly fake: FakeCopilotApi) {}

  /** Answers `ex` if it is a GitHub route; returns false, answering nothing, otherwise. */
  handle(ex: Exchange): boolean {
    switch (ex.url.pathname) {
      case '/copilot_internal/v2/token':
        this.tokenExchange(ex);
        return true;
      case '/copilot_internal/user':
        this.userInfo(ex);
        return true;
      case '/login/device/code':
        this.deviceCode(ex);
        return true;
      case '/login/oauth/access_token':
        this.deviceAccessToken(ex);
        return true;
      default:
        return false;
    }
  }

  /** The GitHub token of `Authorization: token <github token>`, if the fake knows it. */
  private githubToken({ req }: Exchange): string | undefined {
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('token ') ? auth.slice(6) : '';
    return this.fake.githubTokens.has(token) ? token : undefined;
  }

  /**
   * `GET /copilot_internal/v2/token` with `Authorization: token <github token>` →
   * `{token, expires_at, refresh_in, endpoints: {api, proxy, telemetry},
   * chat_enabled, sku}`; `expires_at` is unix seconds, `refresh_in` seconds, the
   * token opaque (`tid=…;exp=…;sku=…;proxy-ep=…`). An unknown GitHub token gets 401
   * `{message: "Bad credentials", documentation_url}`.
   */
  private tokenExchange(ex: Exchange): void {
    const { res } = ex;
    const fake = this.fake;
    fake.tokenExchangeAttempts++;
    if (fake.exchangeFailure) {
      const { status } = fake.exchangeFailure;
      return json(res, status, {
        message: `fake token exchange failure ${status}`,
      });
    }
    if (this.githubToken(ex) === undefined) return badCredentials(res);
    fake.tokenExchanges++;
    const now = Math.floor(Date.now() / 1000);
    const lifetime = fake.options.tokenLifetimeSeconds ?? 1800;
    const expired = fake.issueExpiredTokens;
    const expiresAt = expired ? now - 60 : now + lifetime;
    const token = `tid=fake-${++this.tokenSerial};exp=${expiresAt};sku=free;proxy-ep=proxy.fake`;
    // Like the real API, the fake refuses an expired token: it is never valid.
    if (!expired) fake.copilotTokens.add(token);
    json(res, 200, {
      token,
      expires_at: expiresAt,
      refresh_in: expired
        ? 0
        : (fake.options.refreshInSeconds ?? Math.max(1, lifetime - 300)),
      endpoints: {
        api: fake.options.endpointsApi ?? fake.url,
        proxy: fake.url,
        telemetry: fake.url,
      },
      chat_enabled: true,
      sku: 'free',
    });
  }

  /**
   * `GET /copilot_internal/user` with `Authorization: token <github token>` (an
   * unknown one gets the token exchange's 401), counted in
   * {@link FakeCopilotApi.userInfoRequests} → `{login: "fake-user", copilot_plan:
   * "individual", access_type_sku: "free_limited_copilot", quota_reset_date:
   * "2026-12-01", endpoints: {api}, quota_snapshots: {chat, completions,
   * premium_interactions}}`; `endpoints.api` as in the token exchange. Each snapshot is
   * `{entitlement, remaining, percent_remaining, overage_count, overage_permitted,
   * unlimited, timestamp_utc}`: `chat` and `completions` unlimited,
   * `premium_interactions` 262.5 of 300 left (87.5 %).
   */
  private userInfo(ex: Exchange): void {
    const { res } = ex;
    const fake = this.fake;
    fake.userInfoRequests++;
    if (this.githubToken(ex) === undefined) return badCredentials(res);
    const timestamp = '2026-11-24T12:00:00Z';
    const unlimited = {
      entitlement: 0,
      remaining: 0,
      percent_remaining: 100,
      overage_count: 0,
      overage_permitted: false,
      unlimited: true,
      timestamp_utc: timestamp,
    };
    json(res, 200, {
      login: 'fake-user',
      copilot_plan: 'individual',
      access_type_sku: 'free_limited_copilot',
      quota_reset_date: '2026-12-01',
      endpoints: { api: fake.options.endpointsApi ?? fake.url },
      quota_snapshots: {
        chat: unlimited,
        completions: unlimited,
        premium_interactions: {
          entitlement: 300,
          remaining: 262.5,
          percent_remaining: 87.5,
          overage_count: 0,
          overage_permitted: false,
          unlimited: false,
          timestamp_utc: timestamp,
        },
      },
    });
  }

  /**
   * `POST /login/device/code` (JSON or form) `{client_id, scope}` →
   * `{device_code, user_code, verification_uri, expires_in, interval}`.
   */
  private deviceCode({ res, record }: Exchange): void {
    const params = parseBody(record);
    if (params.client_id !== CLIENT_ID)
      return json(res, 400, { error: 'unknown client' });
    json(res, 200, {
      device_code: DEVICE_CODE,
      user_code: 'ABCD-1234',
      verification_uri: 'https://github.com/login/device',
      expires_in: 900,
      interval: this.fake.options.deviceInterval ?? 1,
    });
  }

  /**
   * The device flow's poll, `POST /login/oauth/access_token` `{client_id,
   * device_code, grant_type}`, always 200: `{error: "authorization_pending"}` for the
   * first `devicePendingPolls` polls, `{error: "slow_down", interval}` first if
   * `deviceSlowDown`, then `{access_token, token_type: "bearer", scope}`; the token is
   * then one the token exchange accepts.
   */
  private deviceAccessToken({ res, record }: Exchange): void {
    const { options, devicePolls, githubTokens } = this.fake;
    const params = parseBody(record);
    devicePolls.push(Date.now());
    if (
      params.device_code !== DEVICE_CODE ||
      params.grant_type !== DEVICE_GRANT
    ) {
      return json(res, 200, { error: 'incorrect_device_code' });
    }
    const poll = devicePolls.length;
    if (options.deviceSlowDown && poll === 1) {
      return json(res, 200, {
        error: 'slow_down',
        interval: (options.deviceInterval ?? 1) + 5,
      });
    }
    const pending =
      (options.devicePendingPolls ?? 1) + (options.deviceSlowDown ? 1 : 0);
    if (poll <= pending) {
      return json(res, 200, { error: 'authorization_pending' });
    }
    const accessToken = options.deviceAccessToken ?? 'gho_fakeDeviceFlowToken';
    githubTokens.add(accessToken);
    json(res, 200, {
      access_token: accessToken,
      token_type: 'bearer',
      scope: 'read:user',
    });
  }
}
