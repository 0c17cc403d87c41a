import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { AppConfig } from './config/app.config';
import { ConfigValidationError } from './config/validate-env';
import { ensureCredentials } from './login/ensure-credentials';

async function bootstrap(): Promise<void> {
  await ensureCredentials();
  const app = await createApp();
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const { host, port } = app.get(ConfigService).getOrThrow<AppConfig>('app');
  await app.listen(port, host);
  const { port: bound } = app.getHttpServer().address() as AddressInfo;
  Logger.log(`copilot-proxy listening on http://${host}:${bound}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigValidationError
      ? error.message
      : String((error as Error)?.stack ?? error);
  process.stderr.write(`copilot-proxy failed to start: ${message}\n`);
  process.exit(1);
});
