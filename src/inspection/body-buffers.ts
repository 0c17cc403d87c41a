import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Readable } from 'node:stream';
import { ByteBudget } from '../common/byte-budget';
import type { Settings } from '../config/settings';
import type { RequestContext } from '../request-context/request-context';
import { readBodyUpTo, ReadBody, ReadBudget } from './body-reader';

/**
 * Request bodies read whole (inspection, the response-cache key, count_tokens)
 * share one budget, `INSPECT_BUDGET_BYTES`, and each client key may hold at most
 * `INSPECT_KEY_SHARE_BYTES` of it: past either, a body streams upstream unread,
 * as an over-long one does. So concurrent large uploads cannot exhaust memory,
 * and one key's stalled uploads cannot leave every other key's requests unread
 * (sent without `X-Initiator`, which bills a premium request). A body's bytes go
 * back when its response closes.
 */
@Injectable()
export class BodyBuffers {
  private readonly budget: ByteBudget;
  private readonly shareBytes: number;
  private readonly shares = new Map<string, ByteBudget>();

  constructor(config: ConfigService<Settings, true>) {
    const inspection = config.get('inspection', { infer: true });
    this.budget = new ByteBudget(inspection.budgetBytes);
    this.shareBytes = inspection.keyShareBytes;
  }

  /** Bytes held by bodies read whole right now. */
  get heldBytes(): number {
    return this.budget.heldBytes;
  }

  async read(
    context: RequestContext,
    source: Readable,
    limit: number,
  ): Promise<ReadBody> {
    const budget = this.budgetFor(context.keyName);
    const read = await readBodyUpTo(source, limit, budget);
    if ('bytes' in read) {
      const held = read.bytes.length;
      context.onEnd(() => budget.release(held));
    }
    return read;
  }

  /** The global budget, and the key's share of it when keys are on. */
  private budgetFor(keyName: string | undefined): ReadBudget {
    if (keyName === undefined) return this.budget;
    let share = this.shares.get(keyName);
    if (!share) {
      share = new ByteBudget(this.shareBytes);
      this.shares.set(keyName, share);
    }
    const global = this.budget;
    const own = share;
    return {
      tryReserve: (bytes) => {
        if (!own.tryReserve(bytes)) return false;
        if (global.tryReserve(bytes)) return true;
        own.release(bytes);
        return false;
      },
      release: (bytes) => {
        own.release(bytes);
        global.release(bytes);
      },
    };
  }
}
