import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import type { Settings } from '../config/settings';
import { CopilotFingerprint } from '../copilot/copilot-fingerprint';
import { ProxyError } from '../errors/proxy-error';
import { DeviceCode, DeviceFlow, DeviceFlowError } from '../login/device-flow';
import { REDIS, RedisConnection } from '../redis/redis-connection';
import { allowedBy, GithubIdentityClient } from './github-identity';
import { LinkFlows } from './link-flows';
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

/** A flow this replica polls. */
interface Running {
  id: string;
  cancelled: boolean;
  /** Ends the wait between two polls at once (cancel, shutdown). */
  wake?: () => void;
}

class Cancelled extends Error {}

/** How long a finished flow's outcome is told. */
const OUTCOME_MS = 10 * 60_000;

/**
 * Links a key to its holder's Copilot seat with GitHub's device flow, the key
 * itself as credential: the code goes to the caller, the proxy polls GitHub
 * (`DeviceFlow`: `interval`, `slow_down`, `expires_in`), checks the allowlists
 * against `/user` and `/user/orgs`, and stores the token sealed. A new flow for
 * a linked key replaces the link only once it succeeds. The flow's state is
 * shared through `LinkFlows`, so any replica answers `GET /seats/link`.
 */
@Injectable()
export class SeatLinkService implements OnApplicationShutdown {
  private readonly logger = new Logger('Seats');
  private readonly running = new Map<string, Running>();
  private readonly flows: LinkFlows;
  private readonly identity: GithubIdentityClient;
  private readonly githubBaseUrl: string;
  private readonly allowedLogins: string[];
  private readonly allowedOrgs: string[];

  constructor(
    private readonly seats: SeatAccounts,
    fingerprint: CopilotFingerprint,
    config: ConfigService<Settings, true>,
    @Inject(REDIS) redis: RedisConnection | null,
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
    this.flows = new LinkFlows(redis);
  }

  async start(keyName: string): Promise<LinkStart> {
    this.cancel(keyName);
    const flow: Running = { id: randomUUID(), cancelled: false };
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
    this.running.set(keyName, flow);
    await this.flows.set(
      keyName,
      { id: flow.id, state: 'pending' },
      code.expiresInSeconds * 1000,
    );
    void this.complete(keyName, flow, device, code);
    return {
      user_code: code.userCode,
      verification_uri: code.verificationUri,
      expires_in: code.expiresInSeconds,
      interval: code.intervalSeconds,
    };
  }

  async status(keyName: string): Promise<LinkStatus> {
    const flow = await this.flows.get(keyName);
    if (flow) {
      return {
        state: flow.state,
        ...(flow.detail !== undefined && { detail: flow.detail }),
      };
    }
    const login = await this.seats.linkedLogin(keyName);
    return login === undefined ? { state: 'none' } : { state: 'linked', login };
  }

  async unlink(keyName: string): Promise<LinkStatus> {
    this.cancel(keyName);
    await this.flows.delete(keyName);
    await this.seats.unlink(keyName);
    this.logger.log(`the seat of key ${keyName} is unlinked`);
    return { state: 'none' };
  }

  onApplicationShutdown(): void {
    for (const name of [...this.running.keys()]) this.cancel(name);
  }

  private async complete(
    keyName: string,
    flow: Running,
    device: DeviceFlow,
    code: DeviceCode,
  ): Promise<void> {
    try {
      const token = await device.waitForToken(code);
      if (!(await this.stillCurrent(keyName, flow))) return;
      const identity = await this.identity.identify(
        token,
        this.allowedOrgs.length > 0,
      );
      if (!(await this.stillCurrent(keyName, flow))) return;
      if (!allowedBy(identity, this.allowedLogins, this.allowedOrgs)) {
        await this.end(
          keyName,
          flow,
          'denied',
          `${identity.login} may not link a seat on this proxy (SEATS_ALLOWED_LOGINS, SEATS_ALLOWED_ORGS)`,
        );
        this.logger.warn(
          `key ${keyName}: a link to ${identity.login} was refused by the allowlists`,
        );
        return;
      }
      // A newer flow started while GitHub answered: it wins, this one ends here.
      if (!(await this.stillCurrent(keyName, flow))) return;
      await this.seats.link(keyName, identity.login, token);
      if (await this.stillCurrent(keyName, flow))
        await this.flows.delete(keyName);
      this.logger.log(
        `key ${keyName} is linked to the seat of ${identity.login}`,
      );
    } catch (error) {
      if (error instanceof Cancelled || flow.cancelled) return;
      const denied =
        error instanceof DeviceFlowError && error.reason === 'denied';
      const message = (error as Error).message;
      await this.end(keyName, flow, denied ? 'denied' : 'expired', message);
      this.logger.warn(`key ${keyName}: the seat link ended: ${message}`);
    } finally {
      if (this.running.get(keyName) === flow) this.running.delete(keyName);
    }
  }

  /** Not cancelled here, and not replaced or cancelled on another replica. */
  private async stillCurrent(keyName: string, flow: Running) {
    return !flow.cancelled && (await this.flows.isCurrent(keyName, flow.id));
  }

  private async end(
    keyName: string,
    flow: Running,
    state: 'expired' | 'denied',
    detail: string,
  ): Promise<void> {
    if (!(await this.stillCurrent(keyName, flow))) return;
    await this.flows.set(keyName, { id: flow.id, state, detail }, OUTCOME_MS);
  }

  private cancel(keyName: string): void {
    const flow = this.running.get(keyName);
    if (!flow) return;
    flow.cancelled = true;
    flow.wake?.();
    this.running.delete(keyName);
  }

  /** The wait between two polls; a cancelled flow stops waiting at once. */
  private sleep(flow: Running, ms: number): Promise<void> {
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
