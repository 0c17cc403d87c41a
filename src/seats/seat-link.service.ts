import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import { ProxyError } from '../errors/proxy-error';
import { DeviceCode, DeviceFlow, DeviceFlowError } from '../login/device-flow';
import { allowedBy, GithubIdentityClient } from './github-identity';
import { SeatAccounts } from './seat-accounts.service';

export type LinkState = 'none' | 'pending' | 'linked' | 'expired' | 'denied';

/** What `GET /seats/link` answers. */
export interface LinkStatus {
  state: LinkState;
  login?: string;
  /** Why a flow ended expired or denied, in words for the person. */
  detail?: string;
}

/** What `POST /seats/link` answers: what the person must do. */
export interface LinkStart {
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

interface Flow {
  state: 'pending' | 'expired' | 'denied';
  detail?: string;
  /** A finished flow's outcome is told until then. */
  keepUntil: number;
  cancelled: boolean;
  /** Ends the wait between two polls at once (cancel, shutdown). */
  wake?: () => void;
}

class Cancelled extends Error {}

/**
 * Links a key to its holder's Copilot seat with GitHub's device flow, the key
 * itself as credential: the code goes to the caller, the proxy polls GitHub
 * (`DeviceFlow`: `interval`, `slow_down`, `expires_in`), checks the allowlists
 * against `/user` and `/user/orgs`, and stores the token sealed. A new flow for
 * a linked key replaces the link only once it succeeds.
 */
@Injectable()
export class SeatLinkService implements OnApplicationShutdown {
  private readonly logger = new Logger('Seats');
  private readonly flows = new Map<string, Flow>();
  private readonly identity: GithubIdentityClient;
  private readonly githubBaseUrl: string;
  private readonly allowedLogins: string[];
  private readonly allowedOrgs: string[];

  constructor(
    private readonly seats: SeatAccounts,
    fingerprint: CopilotFingerprint,
    config: ConfigService<Settings, true>,
  ) {
    const copilot = config.get('copilot', { infer: true });
    const seatsConfig = config.get('seats', { infer: true });
    this.githubBaseUrl = copilot.githubBaseUrl;
    this.identity = new GithubIdentityClient(
      copilot.githubApiBaseUrl,
      fingerprint.github,
    );
    this.allowedLogins = seatsConfig.allowedLogins;
    this.allowedOrgs = seatsConfig.allowedOrgs;
  }

  async start(keyName: string): Promise<LinkStart> {
    this.cancel(keyName);
    const flow: Flow = { state: 'pending', keepUntil: 0, cancelled: false };
    const device = new DeviceFlow(
      this.githubBaseUrl,
      (ms) => this.sleep(flow, ms),
      Date.now,
      this.allowedOrgs.length > 0 ? 'read:user read:org' : 'read:user',
    );
    let code: DeviceCode;
    try {
      code = await device.requestCode();
    } catch (error) {
      throw new ProxyError('upstream_bad_response', {
        message: 'GitHub did not start the device flow: try again shortly',
        detail: `seat link: ${(error as Error).message}`,
      });
    }
    flow.keepUntil = Date.now() + code.expiresInSeconds * 1000;
    this.flows.set(keyName, flow);
    void this.complete(keyName, flow, device, code);
    return {
      user_code: code.userCode,
      verification_uri: code.verificationUri,
      expires_in: code.expiresInSeconds,
      interval: code.intervalSeconds,
    };
  }

  async status(keyName: string): Promise<LinkStatus> {
    const flow = this.flows.get(keyName);
    if (flow && flow.state !== 'pending' && Date.now() > flow.keepUntil)
      this.flows.delete(keyName);
    else if (flow)
      return {
        state: flow.state,
        ...(flow.detail !== undefined && { detail: flow.detail }),
      };
    const login = await this.seats.linkedLogin(keyName);
    return login === undefined ? { state: 'none' } : { state: 'linked', login };
  }

  async unlink(keyName: string): Promise<LinkStatus> {
    this.cancel(keyName);
    await this.seats.unlink(keyName);
    this.logger.log(`the seat of key ${keyName} is unlinked`);
    return { state: 'none' };
  }

  onApplicationShutdown(): void {
    for (const name of [...this.flows.keys()]) this.cancel(name);
  }

  private async complete(
    keyName: string,
    flow: Flow,
    device: DeviceFlow,
    code: DeviceCode,
  ): Promise<void> {
    try {
      const token = await device.waitForToken(code);
      if (flow.cancelled) return;
      const identity = await this.identity.identify(
        token,
        this.allowedOrgs.length > 0,
      );
      if (flow.cancelled) return;
      if (!allowedBy(identity, this.allowedLogins, this.allowedOrgs)) {
        this.end(
          flow,
          'denied',
          `${identity.login} is not allowed to link a seat on this proxy (SEATS_ALLOWED_LOGINS, SEATS_ALLOWED_ORGS)`,
        );
        this.logger.warn(
          `key ${keyName}: a link to ${identity.login} was refused by the allowlists`,
        );
        return;
      }
      await this.seats.link(keyName, identity.login, token);
      if (this.flows.get(keyName) === flow) this.flows.delete(keyName);
      this.logger.log(
        `key ${keyName} is linked to the seat of ${identity.login}`,
      );
    } catch (error) {
      if (flow.cancelled || error instanceof Cancelled) return;
      const denied =
        error instanceof DeviceFlowError && error.reason === 'denied';
      this.end(flow, denied ? 'denied' : 'expired', (error as Error).message);
      this.logger.warn(
        `key ${keyName}: the seat link ended: ${(error as Error).message}`,
      );
    }
  }

  private end(flow: Flow, state: 'expired' | 'denied', detail: string): void {
    flow.state = state;
    flow.detail = detail;
    flow.keepUntil = Math.max(flow.keepUntil, Date.now() + 60_000);
  }

  private cancel(keyName: string): void {
    const flow = this.flows.get(keyName);
    if (!flow) return;
    flow.cancelled = true;
    flow.wake?.();
    this.flows.delete(keyName);
  }

  /** The wait between two polls; a cancelled flow stops waiting at once. */
  private sleep(flow: Flow, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (flow.cancelled) return reject(new Cancelled());
      const timer = setTimeout(() => {
        flow.wake = undefined;
        resolve();
      }, ms);
      flow.wake = () => {
        clearTimeout(timer);
        reject(new Cancelled());
      };
    });
  }
}
