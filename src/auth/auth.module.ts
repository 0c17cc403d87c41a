import { DynamicModule, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { isLoopback } from '../config/auth.config';
import type { Settings } from '../config/settings';
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

  constructor(private readonly config: ConfigService<Settings, true>) {}

  onModuleInit(): void {
    const { host, port } = this.config.get('app', { infer: true });
    const { apiKeys } = this.config.get('auth', { infer: true });
    if (apiKeys.length > 0) {
      this.logger.log(`client keys required (${apiKeys.length} configured)`);
    } else if (!isLoopback(host)) {
      this.logger.warn(
        `PROXY_ALLOW_ANONYMOUS=true: anyone who can reach ${host}:${port} spends this Copilot subscription`,
      );
    }
  }
}
