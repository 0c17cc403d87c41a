import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { OpenAiExceptionFilter } from './common/openai-exception.filter';
import { appConfig } from './config/app.config';
import { authConfig, readAuthConfig } from './config/auth.config';
import { EnvReader } from './config/env-reader';
import {
  rateLimitConfig,
  readRateLimitConfig,
} from './config/rate-limit.config';
import { copilotConfig } from './config/copilot.config';
import { validateEnv } from './config/validate-env';
import { AuthModule } from './auth/auth.module';
import { CopilotModule } from './copilot/copilot.module';
import { MetricsModule } from './metrics/metrics.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { ProxyModule } from './proxy/proxy.module';

@Module({})
export class AppModule {
  /**
   * Built at call time rather than at import, so the environment is read (and
   * validated) when the app is created: tests create apps with different settings.
   */
  static forRoot(): DynamicModule {
    // Features that are off add no guard to the request path.
    const env = new EnvReader(process.env);
    const keysRequired = readAuthConfig(env).apiKeys.length > 0;
    const rateLimited = readRateLimitConfig(env).max > 0;
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [appConfig, copilotConfig, authConfig, rateLimitConfig],
          validate: validateEnv,
        }),
        LoggingModule,
        MetricsModule,
        LifecycleModule,
        CopilotModule,
        // The key guard runs before the rate-limit guard: limits are per key.
        AuthModule.forRoot(keysRequired),
        ...(rateLimited ? [RateLimitModule] : []),
        HealthModule,
        // Last: its wildcard route must not shadow the service's own endpoints.
        ProxyModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: OpenAiExceptionFilter }],
    };
  }
}
