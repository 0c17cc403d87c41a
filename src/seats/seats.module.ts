import { Global, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { REDIS, RedisConnection } from '../redis/redis-connection';
import { SeatAccounts } from './seat-accounts.service';
import { SeatLinkService } from './seat-link.service';
import { FileSeatStore, RedisSeatStore, SeatStore } from './seat-store';
import { SeatView } from './seat-view.service';
import { SeatStage } from './seat.stage';
import { SeatsController } from './seats.controller';

/**
 * Per-person seats (SPEC §14): keys with `seat: own` go upstream on their
 * holder's linked Copilot seat. Linked tokens are sealed in Redis with
 * `REDIS_URL` (shared by every replica), else in a 0600 file.
 */
@Global()
@Module({
  controllers: [SeatsController],
  providers: [
    SeatAccounts,
    SeatLinkService,
    SeatStage,
    SeatView,
    {
      provide: SeatStore,
      inject: [ConfigService, REDIS],
      useFactory: (
        config: ConfigService<Settings, true>,
        redis: RedisConnection | null,
      ): SeatStore =>
        redis
          ? new RedisSeatStore(redis)
          : new FileSeatStore(config.get('seats', { infer: true }).file),
    },
  ],
  exports: [SeatStage, SeatView, SeatAccounts],
})
export class SeatsModule {}
