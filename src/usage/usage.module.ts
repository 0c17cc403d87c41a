import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { Clock, SystemClock } from './clock';
import { CopilotAccount } from './copilot-account.service';
import { RedisUsageStore } from './redis-usage.store';
import { UsageController } from './usage.controller';
import { MemoryUsageStore, UsageStore } from './usage-store';
import { UsageService } from './usage.service';

/**
 * Usage metering, quotas and `GET /usage`: counters in Redis with `REDIS_URL`
 * (shared by every replica), in memory otherwise.
 */
@Global()
@Module({
  controllers: [UsageController],
  providers: [
    UsageService,
    CopilotAccount,
    { provide: Clock, useClass: SystemClock },
    {
      provide: UsageStore,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Settings, true>) => {
        const { redisUrl } = config.get('rateLimit', { infer: true });
        return redisUrl
          ? new RedisUsageStore(redisUrl)
          : new MemoryUsageStore();
      },
    },
  ],
  exports: [UsageService, CopilotAccount],
})
export class UsageModule implements OnApplicationShutdown {
  constructor(private readonly store: UsageStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
