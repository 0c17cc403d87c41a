import { Injectable } from '@nestjs/common';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { ProxyError } from '../errors/proxy-error';
import { ModelCatalog } from '../models/model-catalog.service';
import type { RequestContext } from '../request-context/request-context';
import { SeatAccounts } from './seat-accounts.service';

/** A seat's model list is fetched again in the background past this share of the TTL. */
const MODELS_REFRESH_AT = 0.8;

/**
 * The first stage of a proxied request on a `seat: own` key (SPEC §14): the
 * key's seat becomes the request's account — its tokens, its account id (for
 * the cooldown, the caches and metering) and its `/models` — or the request is
 * refused before anything goes upstream: `seat_not_linked`, or `seat_revoked`
 * when GitHub refuses the person's token. Any other key passes at the cost of a
 * map lookup.
 */
@Injectable()
export class SeatStage {
  constructor(
    private readonly keys: ClientKeyRegistry,
    private readonly seats: SeatAccounts,
    private readonly catalog: ModelCatalog,
  ) {}

  /** Undefined, at no cost, for a request that is not on a `seat: own` key. */
  attach(context: RequestContext): Promise<void> | undefined {
    const name = context.keyName;
    if (name === undefined || this.keys.named(name)?.seat !== 'own') return;
    return this.attachSeat(context, name);
  }

  private async attachSeat(
    context: RequestContext,
    name: string,
  ): Promise<void> {
    const seat = await this.seats.seat(name);
    if (!seat) throw new ProxyError('seat_not_linked');
    context.seatTokens = seat.tokens;
    context.seatLogin = seat.login;
    const { account } = await seat.tokens.getCredentials();
    context.account = account;
    const entry = this.catalog.entry(account);
    if (!entry) {
      // The first call on a seat waits for its list: bridging and pricing need it.
      await this.catalog.refresh(seat.tokens).catch(() => undefined);
    } else if (
      Date.now() - entry.storedAt >
      this.catalog.ttlMs * MODELS_REFRESH_AT
    ) {
      this.catalog.refresh(seat.tokens).catch(() => undefined);
    }
  }
}
