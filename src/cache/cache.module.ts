import { Module, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { InspectionModule } from '../inspection/inspection.module';
import { CacheStore, MemoryCacheStore } from './cache-store';
import { ModelsCache } from './models-cache';
import { RedisCacheStore } from './redis-cache.store';
import { REDIS, RedisConnection } from '../redis/redis-connection';
import { ResponseCache } from './response-cache';

/**
 * The caches: `/models` per account, and the opt-in response cache — in memory,
 * or in Redis with `REDIS_URL` so replicas share entries. Not
 * @nestjs/cache-manager: its Keyv stores serialise entries as JSON (a body would
 * grow by a third as base64, or more as a byte array) and bound memory by entry
 * count, not bytes.
 */
@Module({
  imports: [InspectionModule],
  providers: [
    ModelsCache,
    ResponseCache,
    {
      provide: CacheStore,
      inject: [ConfigService, REDIS],
      useFactory: (
        config: ConfigService<Settings, true>,
        redis: RedisConnection | null,
      ) => {
        const { responseMaxBytes } = config.get('cache', { infer: true });
        return redis
          ? new RedisCacheStore(redis, responseMaxBytes)
          : new MemoryCacheStore(responseMaxBytes);
      },
    },
  ],
  exports: [ModelsCache, ResponseCache, CacheStore],
})
export class CacheModule implements OnApplicationShutdown {
  constructor(private readonly store: CacheStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
