import { Controller, Get, Req } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { requestContext } from '../request-context/request-context';
import { CopilotAccount } from './copilot-account.service';
import { ANONYMOUS, UsageService } from './usage.service';

/**
 * `GET /usage`: the caller's own usage and remaining budget for the current day
 * and month, per model. A key with `readAllUsage` (or anyone, when keys are off)
 * also sees every key's and the Copilot account's quota. Never a key or a token.
 */
@Controller()
export class UsageController {
  constructor(
    private readonly usage: UsageService,
    private readonly keys: ClientKeyRegistry,
    private readonly account: CopilotAccount,
  ) {}

  @Get('usage')
  async read(@Req() req: IncomingMessage) {
    const keyName = requestContext(req).keyName;
    const name = keyName ?? ANONYMOUS;
    const own = { key: name, periods: await this.usage.report(name) };
    // No key name means keys are off: the one (local) user may read it all.
    const readAll =
      keyName === undefined || this.keys.named(keyName)?.readAllUsage === true;
    if (!readAll) return own;
    const names =
      name === ANONYMOUS ? [ANONYMOUS] : this.keys.all.map((k) => k.name);
    const keys = await Promise.all(
      names.map(async (key) => ({
        key,
        periods: await this.usage.report(key),
      })),
    );
    return {
      ...own,
      keys,
      account: {
        copilot: await this.account.userInfo(),
        quotaSnapshots: this.account.quotaSnapshots(),
      },
    };
  }
}
