import axios, { AxiosInstance } from 'axios';

/** The Copilot editor integration's OAuth app, as GitHub's device flow knows it. */
export const COPILOT_CLIENT_ID = 'Iv1.b507a08c87ecfe98';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export class DeviceFlowError extends Error {
  constructor(
    message: string,
    /** How the flow ended, when the user's side ended it. */
    readonly reason?: 'expired' | 'denied',
  ) {
    super(message);
  }
}

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * GitHub's OAuth device flow: ask for a code, show it to the user, poll until they
 * approve. Polling honours `interval` and `slow_down` (which adds 5 s, or sets the
 * interval GitHub names), and stops at `expires_in`.
 */
export class DeviceFlow {
  private readonly http: AxiosInstance;

  constructor(
    githubBaseUrl: string,
    private readonly sleep: Sleep = realSleep,
    private readonly now: () => number = Date.now,
    /** `read:user read:org` when a seat's organisations are checked. */
    private readonly scope = 'read:user',
  ) {
    this.http = axios.create({
      baseURL: githubBaseUrl,
      timeout: 30_000,
      maxRedirects: 0,
      proxy: false,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
      },
      validateStatus: () => true,
    });
  }

  async requestCode(): Promise<DeviceCode> {
    const { status, data } = await this.http.post('/login/device/code', {
      client_id: COPILOT_CLIENT_ID,
      scope: this.scope,
    });
    if (status !== 200 || typeof data?.device_code !== 'string') {
      throw new DeviceFlowError(
        `GitHub did not issue a device code (HTTP ${status})`,
      );
    }
    return {
      deviceCode: data.device_code,
      userCode: data.user_code,
      verificationUri: data.verification_uri,
      expiresInSeconds: Number(data.expires_in ?? 900),
      intervalSeconds: Number(data.interval ?? 5),
    };
  }

  /** Polls until the user approves; resolves with the GitHub OAuth token. */
  async waitForToken(code: DeviceCode): Promise<string> {
    const deadline = this.now() + code.expiresInSeconds * 1000;
    let interval = code.intervalSeconds;
    for (;;) {
      await this.sleep(interval * 1000);
      if (this.now() > deadline)
        throw new DeviceFlowError(
          'The device code expired before it was approved',
          'expired',
        );
      const { status, data } = await this.http.post(
        '/login/oauth/access_token',
        {
          client_id: COPILOT_CLIENT_ID,
          device_code: code.deviceCode,
          grant_type: GRANT_TYPE,
        },
      );
      if (typeof data?.access_token === 'string') return data.access_token;
      switch (data?.error) {
        case 'authorization_pending':
          continue;
        case 'slow_down':
          interval =
            typeof data.interval === 'number' ? data.interval : interval + 5;
          continue;
        case 'expired_token':
          throw new DeviceFlowError(
            'The device code expired before it was approved',
            'expired',
          );
        case 'access_denied':
          throw new DeviceFlowError('The authorization was denied', 'denied');
        default:
          throw new DeviceFlowError(
            `GitHub answered the token poll with ${data?.error ?? `HTTP ${status}`}`,
          );
      }
    }
  }
}
