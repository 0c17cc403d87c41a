import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { REDIS, RedisConnection } from './redis-connection';
import { RedisHealthIndicator } from './redis.health';

/**
 * The one Redis connection the shared stores use, when `REDIS_URL` is set. Closed
 * last, after the stores have written what they hold (their
 * `beforeApplicationShutdown`).
 */
@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: REDIS,
      inject: [ConfigService],
      useFactory: (config: ConfigService<Settings, true>) => {
        const { redisUrl } = config.get('rateLimit', { infer: true });
        return redisUrl ? new RedisConnection(redisUrl) : null;
      },
    },
    RedisHealthIndicator,
  ],
  exports: [REDIS, RedisHealthIndicator],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisConnection | null) {}

  onApplicationShutdown(): void {
    this.redis?.close();
  }
}
