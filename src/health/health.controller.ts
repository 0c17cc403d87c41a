import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/public.decorator';
import { CopilotHealthIndicator } from '../copilot/copilot.health';
import { ShutdownHealthIndicator } from '../lifecycle/shutdown.health';
import { RedisHealthIndicator } from '../redis/redis.health';

/** Probes need no client key and are never rate limited. */
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly copilot: CopilotHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /** Liveness: the process serves HTTP. Depends on nothing else on purpose. */
  @Get('healthz')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }

  /**
   * Readiness: a Copilot token is held or obtainable, and no shutdown has begun.
   * Redis shows as `degraded` when away, never as a failure (the proxy serves on).
   */
  @Get('readyz')
  @HealthCheck()
  readiness() {
    return this.health.check([
      () => this.shutdown.check(),
      () => this.copilot.check(),
      () => this.redis.check(),
    ]);
  }
}
