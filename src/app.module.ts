import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Settings } from './config/settings';
import { settingsModule } from './config/settings.module';
import { AuthModule } from './auth/auth.module';
import { CopilotModule } from './copilot/copilot.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ProxyExceptionFilter } from './errors/proxy-exception.filter';
import { HealthModule } from './health/health.module';
import { StatusModule } from './status/status.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { ProxyModule } from './proxy/proxy.module';
import { UsageModule } from './usage/usage.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RequestContextModule } from './request-context/request-context.module';
import { RedisModule } from './redis/redis.module';
import { HttpModule } from './http/http.module';
import { TracingModule } from './tracing/tracing.module';
import { SeatsModule } from './seats/seats.module';

/** Keys are on with any key configured, or a keys file (it may gain keys on reload). */
const keysRequired = (settings: Settings) =>
  settings.auth.clientKeys.length > 0 || settings.auth.keysFile !== undefined;

/** Limits are on with `RATE_LIMIT_MAX` or a keys file (per-key limits). */
const rateLimited = (settings: Settings) =>
  settings.rateLimit.max > 0 || settings.auth.keysFile !== undefined;

@Module({})
export class AppModule {
  /**
   * The application for settings read and validated once (`loadSettings` in
   * `main.ts`, a settings object in the tests). Every module reads them through
   * `ConfigService<Settings, true>`; nothing reads the environment again.
   */
  static forRoot(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        settingsModule(settings),
        LoggingModule.forRoot(settings.app),
        MetricsModule,
        TracingModule,
        RedisModule,
        HttpModule,
        LifecycleModule,
        RequestContextModule,
        CopilotModule,
        // Features that are off add no guard to the request path. The key guard
        // runs before the rate-limit guard: limits are per key.
        AuthModule.forRoot(keysRequired(settings)),
        ...(rateLimited(settings) ? [RateLimitModule] : []),
        ModelsModule,
        UsageModule,
        SeatsModule,
        HealthModule,
        StatusModule,
        DashboardModule,
        // Last: its wildcard route must not shadow the service's own endpoints.
        ProxyModule,
      ],
      providers: [
        ProxyExceptionFilter,
        { provide: APP_FILTER, useExisting: ProxyExceptionFilter },
      ],
    };
  }
}
