import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from '../request-context/request-context';
import { SeatAccounts } from './seat-accounts.service';
import { LinkStart, LinkStatus, SeatLinkService } from './seat-link.service';

/**
 * `POST`, `GET` and `DELETE /seats/link` (SPEC §14): the caller's key links,
 * reads and unlinks its own seat; a key with `readAllUsage` may unlink any
 * key's (`DELETE /seats/link?key=<name>`).
 */
@Controller('seats')
export class SeatsController {
  constructor(
    private readonly keys: ClientKeyRegistry,
    private readonly seats: SeatAccounts,
    private readonly links: SeatLinkService,
  ) {}

  @Post('link')
  @HttpCode(200)
  start(@Req() req: IncomingMessage): Promise<LinkStart> {
    return this.links.start(this.ownSeat(this.caller(req)));
  }

  @Get('link')
  status(@Req() req: IncomingMessage): Promise<LinkStatus> {
    return this.links.status(this.ownSeat(this.caller(req)));
  }

  @Delete('link')
  unlink(
    @Req() req: IncomingMessage,
    @Query('key') key?: string,
  ): Promise<LinkStatus> {
    const caller = this.caller(req);
    if (key === undefined || key === caller) {
      return this.links.unlink(this.ownSeat(caller));
    }
    if (this.keys.named(caller)?.readAllUsage !== true) {
      throw new ProxyError('unauthorized', {
        message: "Only a key with readAllUsage may unlink another key's seat",
      });
    }
    if (!this.keys.named(key)) {
      throw new ProxyError('not_found', { message: `No key is named ${key}` });
    }
    return this.links.unlink(this.ownSeat(key));
  }

  private caller(req: IncomingMessage): string {
    const name = requestContext(req).keyName;
    if (name === undefined) {
      throw new ProxyError('bad_request', {
        message:
          'Seats are linked with a client key, and this proxy runs without keys',
      });
    }
    return name;
  }

  /** The key's name, when it uses its own seat and seats can be linked. */
  private ownSeat(name: string): string {
    if (this.keys.named(name)?.seat !== 'own') {
      throw new ProxyError('bad_request', {
        message: `The key ${name} uses the proxy's shared login ("seat: shared"): it has no seat of its own to link`,
      });
    }
    if (!this.seats.enabled) {
      throw new ProxyError('seats_unavailable', {
        message:
          'Seats cannot be linked: SEATS_SECRET is not set on this proxy',
      });
    }
    return name;
  }
}
