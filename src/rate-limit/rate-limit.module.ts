import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, ThrottlerStorage } from '@nestjs/throttler';
import type { Settings } from '../config/settings';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimitGuard } from './rate-limit.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * `RATE_LIMIT_MAX` requests per `RATE_LIMIT_WINDOW_MS` per client through
 * @nestjs/throttler: counters in memory, or in Redis with `REDIS_URL` so replicas
 * share one limit. Imported only when `RATE_LIMIT_MAX` > 0 (off by default).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [ConfigService, MetricsService],
      useFactory: (
        settings: ConfigService<Settings, true>,
        metrics: MetricsService,
      ) => {
        const config = settings.get('rateLimit', { infer: true });
        return {
          throttlers: [
            {
              name: 'default',
              limit: Math.max(config.max, 1),
              ttl: config.windowMs,
            },
          ],
          storage: config.redisUrl
            ? new RedisThrottlerStorage(config.redisUrl, metrics)
            : new MemoryThrottlerStorage(),
        };
      },
    }),
  ],
  providers: [
    RateLimitGuard,
    { provide: APP_GUARD, useExisting: RateLimitGuard },
  ],
  exports: [RateLimitGuard],
})
export class RateLimitModule implements OnApplicationShutdown {
  constructor(
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.storage instanceof RedisThrottlerStorage)
      await this.storage.close();
  }
}
