import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Readable } from 'node:stream';
import { ByteBudget } from '../common/byte-budget';
import type { Settings } from '../config/settings';
import type { RequestContext } from '../request-context/request-context';
import { readBodyUpTo, ReadBody } from './body-reader';

/**
 * Request bodies read whole (inspection, the response-cache key, count_tokens)
 * share one budget, `INSPECT_BUDGET_BYTES`: past it a body streams upstream
 * unread, as an over-long one does, so concurrent large uploads cannot exhaust
 * memory. A body's bytes go back to the budget when its response closes.
 */
@Injectable()
export class BodyBuffers {
  private readonly budget: ByteBudget;

  constructor(config: ConfigService<Settings, true>) {
    this.budget = new ByteBudget(
      config.get('inspection', { infer: true }).budgetBytes,
    );
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
    const read = await readBodyUpTo(source, limit, this.budget);
    if ('bytes' in read) {
      const held = read.bytes.length;
      context.onEnd(() => this.budget.release(held));
    }
    return read;
  }
}
