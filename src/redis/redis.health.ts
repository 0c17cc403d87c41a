import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { REDIS, type RedisConnection } from './redis-connection';

/**
 * Redis on the readiness report, never as a failure: without it the proxy still
 * serves (limits fail open, usage is counted locally and added back later), so a
 * Redis outage must not pull every pod out of the Service. It shows as
 * `state: degraded`.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisConnection | null,
  ) {}

  check() {
    const indicator = this.health.check('redis');
    if (!this.redis) return indicator.up({ state: 'not configured' });
    const state = this.redis.state;
    return state === 'connected'
      ? indicator.up({ state })
      : indicator.up({
          state: 'degraded',
          detail: `Redis ${state}: rate limits not enforced, usage counted locally until it is back`,
        });
  }
}
