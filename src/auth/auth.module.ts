import { DynamicModule, Logger, Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { isLoopback } from '../config/auth.config';
import type { Settings } from '../config/settings';
import { ApiKeyGuard } from './api-key.guard';
import { ClientKeyRegistry } from './client-key.registry';

@Module({})
export class AuthModule implements OnModuleInit {
  /**
   * The key guard is registered only when keys are configured: with none, no
   * guard runs on the request path at all.
   */
  static forRoot(keysRequired: boolean): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        ClientKeyRegistry,
        ...(keysRequired
          ? [ApiKeyGuard, { provide: APP_GUARD, useExisting: ApiKeyGuard }]
          : []),
      ],
      exports: [ClientKeyRegistry, ...(keysRequired ? [ApiKeyGuard] : [])],
    };
  }

  private readonly logger = new Logger('Auth');

  constructor(private readonly config: ConfigService<Settings, true>) {}

  onModuleInit(): void {
    const { host, port } = this.config.get('app', { infer: true });
    const { clientKeys } = this.config.get('auth', { infer: true });
    if (clientKeys.length > 0) {
      this.logger.log(`client keys required (${clientKeys.length} configured)`);
    } else if (!isLoopback(host)) {
      this.logger.warn(
        `PROXY_ALLOW_ANONYMOUS=true: anyone who can reach ${host}:${port} spends this Copilot subscription`,
      );
    }
  }
}
