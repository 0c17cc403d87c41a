import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { REDIS, RedisConnection } from '../redis/redis-connection';
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
      inject: [ConfigService, MetricsService, REDIS],
      useFactory: (
        settings: ConfigService<Settings, true>,
        metrics: MetricsService,
        redis: RedisConnection | null,
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
          storage: redis
            ? new RedisThrottlerStorage(redis, metrics)
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
export class RateLimitModule {}
