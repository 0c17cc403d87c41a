import {
  DynamicModule,
  Inject,
  Logger,
  Module,
  OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { appConfig, AppConfig } from '../config/app.config';
import { authConfig, AuthConfig, isLoopback } from '../config/auth.config';
import { ApiKeyGuard } from './api-key.guard';

@Module({})
export class AuthModule implements OnModuleInit {
  /**
   * The key guard is registered only when keys are configured: with none, no
   * guard runs on the request path at all.
   */
  static forRoot(keysRequired: boolean): DynamicModule {
    return {
      module: AuthModule,
      providers: keysRequired
        ? [{ provide: APP_GUARD, useClass: ApiKeyGuard }]
        : [],
    };
  }

  private readonly logger = new Logger('Auth');

  constructor(
    @Inject(appConfig.KEY) private readonly app: AppConfig,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  onModuleInit(): void {
    if (this.auth.apiKeys.length > 0) {
      this.logger.log(
        `client keys required (${this.auth.apiKeys.length} configured)`,
      );
    } else if (!isLoopback(this.app.host)) {
      this.logger.warn(
        `PROXY_ALLOW_ANONYMOUS=true: anyone who can reach ${this.app.host}:${this.app.port} spends this Copilot subscription`,
      );
    }
  }
}
