import Redis from 'ioredis';

/**
 * A Redis connection as every shared store here uses it: commands fail at once
 * while disconnected (no offline queue) and time out after 500 ms, so a Redis
 * outage costs a request nothing but the feature; it reconnects by itself.
 */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
