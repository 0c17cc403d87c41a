import { Global, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { MetricsService } from '../metrics/metrics.service';
import { REDIS, RedisConnection } from '../redis/redis-connection';
import { BufferedUsageStore } from './buffered-usage.store';
import { Clock, SystemClock } from './clock';
import { CopilotAccount } from './copilot-account.service';
import { CopilotCooldown } from './copilot-cooldown';
import { RedisUsageStore } from './redis-usage.store';
import { UsageController } from './usage.controller';
import { MemoryUsageStore, UsageStore } from './usage-store';
import { UsageService } from './usage.service';

/**
 * Usage metering, quotas, `GET /usage` and `/usage/history`: counters in Redis
 * with `REDIS_URL` (shared by every replica; counted locally while it is away),
 * in memory otherwise.
 */
@Global()
@Module({
  controllers: [UsageController],
  providers: [
    UsageService,
    CopilotAccount,
    CopilotCooldown,
    { provide: Clock, useClass: SystemClock },
    {
      provide: UsageStore,
      inject: [ConfigService, REDIS, Clock, MetricsService],
      useFactory: (
        config: ConfigService<Settings, true>,
        redis: RedisConnection | null,
        clock: Clock,
        metrics: MetricsService,
      ) => {
        const { historyDays } = config.get('usage', { infer: true });
        const now = () => clock.now();
        if (!redis) return new MemoryUsageStore(historyDays, now);
        const logger = new Logger('Usage');
        let lastWarning = 0;
        return new BufferedUsageStore(
          new RedisUsageStore(redis, historyDays),
          redis,
          historyDays,
          now,
          (error) => {
            metrics.usageStorageFailures.inc();
            if (Date.now() - lastWarning < 10_000) return;
            lastWarning = Date.now();
            logger.warn(
              `usage storage did not answer (${(error as Error).message}): counted locally, added when Redis is back`,
            );
          },
        );
      },
    },
  ],
  exports: [UsageService, CopilotAccount, CopilotCooldown, UsageStore],
})
export class UsageModule implements OnApplicationShutdown {
  constructor(private readonly store: UsageStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
