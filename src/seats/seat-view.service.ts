import { Injectable } from '@nestjs/common';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { CopilotAccount } from '../usage/copilot-account.service';
import { CopilotCooldown } from '../usage/copilot-cooldown';
import { SeatAccounts } from './seat-accounts.service';

/** A key's seat as `/usage` shows it: never a token. */
export interface SeatReport {
  seat: 'shared' | { login: string | null };
  /** A linked seat's own account: plan and quotas, snapshots, cooldown. */
  seatAccount?: {
    copilot: unknown;
    quotaSnapshots: Record<string, unknown>;
    cooldown: unknown;
  };
}

/** Each key's seat, and a linked seat's own quota, for `/usage` and the dashboard. */
@Injectable()
export class SeatView {
  constructor(
    private readonly keys: ClientKeyRegistry,
    private readonly seats: SeatAccounts,
    private readonly account: CopilotAccount,
    private readonly cooldown: CopilotCooldown,
  ) {}

  async report(keyName: string): Promise<SeatReport> {
    if (this.keys.named(keyName)?.seat !== 'own') return { seat: 'shared' };
    const seat = await this.seats.seat(keyName).catch(() => undefined);
    if (!seat) return { seat: { login: null } };
    const account = await seat.tokens
      .getCredentials()
      .then((c) => c.account)
      .catch(() => undefined);
    return {
      seat: { login: seat.login },
      seatAccount: {
        copilot: await seat.userInfo(),
        quotaSnapshots:
          account === undefined ? {} : this.account.quotaSnapshots(account),
        cooldown:
          account === undefined ? null : this.cooldown.forAccount(account),
      },
    };
  }
}
