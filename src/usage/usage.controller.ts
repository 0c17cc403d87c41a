import { Controller, Get, Header, Query, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { Settings } from '../config/settings';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from '../request-context/request-context';
import { CopilotAccount } from './copilot-account.service';
import { CopilotCooldown } from './copilot-cooldown';
import { ANONYMOUS, UsageService } from './usage.service';
import { SeatView } from '../seats/seat-view.service';

/** Said on every usage answer: credits are what Copilot reported, nothing else. */
const CREDITS_NOTE =
  'credits (AIU) are counted from what Copilot reports on each answer (copilot_usage.total_nano_aiu; 1 AIU = 1e9 nano-AIU); answers without it add none';

/** Usage differs by key: no cache, shared or private, may keep it or serve it to another. */
const NO_STORE = 'no-store';
const BY_KEY = 'Authorization, x-api-key';

/**
 * `GET /usage`: the caller's own usage and remaining budget for the current day
 * and month, per model; `GET /usage/history?days=N`: its daily counters. A key
 * with `readAllUsage` (or anyone, when keys are off) sees every key's, and on
 * `/usage` the Copilot account's quota. Never a key or a token. Usage storage
 * that does not answer is a 503 with a message.
 */
@Controller('usage')
export class UsageController {
  private readonly historyDays: number;

  constructor(
    private readonly usage: UsageService,
    private readonly keys: ClientKeyRegistry,
    private readonly account: CopilotAccount,
    private readonly cooldown: CopilotCooldown,
    private readonly seats: SeatView,
    config: ConfigService<Settings, true>,
  ) {
    this.historyDays = config.get('usage', { infer: true }).historyDays;
  }

  @Get()
  @Header('Cache-Control', NO_STORE)
  @Header('Vary', BY_KEY)
  async read(@Req() req: IncomingMessage) {
    const { name, readAll } = this.caller(req);
    return this.available(async () => {
      const own = {
        key: name,
        periods: await this.usage.report(name),
        ...(await this.seats.report(name)),
        note: CREDITS_NOTE,
      };
      if (!readAll) return own;
      const keys = await Promise.all(
        this.visible(name).map(async (key) => ({
          key,
          periods: await this.usage.report(key),
          ...(await this.seats.report(key)),
        })),
      );
      return {
        ...own,
        keys,
        account: {
          copilot: await this.account.userInfo(),
          quotaSnapshots: this.account.quotaSnapshots(),
          cooldown: await this.cooldown.current(),
        },
      };
    });
  }

  @Get('history')
  @Header('Cache-Control', NO_STORE)
  @Header('Vary', BY_KEY)
  async history(@Req() req: IncomingMessage, @Query('days') raw?: string) {
    const days =
      raw === undefined ? Math.min(30, this.historyDays) : Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > this.historyDays) {
      throw new ProxyError('bad_request', {
        message: `days must be a whole number from 1 to ${this.historyDays} (USAGE_HISTORY_DAYS)`,
      });
    }
    const { name, readAll } = this.caller(req);
    return this.available(async () => {
      const names = readAll ? this.visible(name) : [name];
      const keys = await Promise.all(
        names.map(async (key) => ({
          key,
          days: await this.usage.history(key, days),
        })),
      );
      const dates = keys[0]?.days ?? [];
      return {
        key: name,
        days,
        from: dates[0]?.date,
        to: dates.at(-1)?.date,
        note: CREDITS_NOTE,
        keys,
      };
    });
  }

  /** Who asks, and whether they may see everyone. */
  private caller(req: IncomingMessage) {
    const keyName = requestContext(req).keyName;
    return {
      name: keyName ?? ANONYMOUS,
      // No key name means keys are off: the one (local) user may read it all.
      readAll:
        keyName === undefined ||
        this.keys.named(keyName)?.readAllUsage === true,
    };
  }

  private visible(name: string): string[] {
    return name === ANONYMOUS ? [ANONYMOUS] : this.keys.all.map((k) => k.name);
  }

  private async available<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ProxyError) throw error;
      this.usage.storageFailed(error);
      throw new ProxyError('usage_unavailable', {
        detail: `usage storage: ${(error as Error).message}`,
        headers: { 'retry-after': '5' },
      });
    }
  }
}
