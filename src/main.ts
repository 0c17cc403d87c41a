import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { ConfigValidationError, loadSettings } from './config/settings';
import { ensureCredentials } from './login/ensure-credentials';

async function bootstrap(): Promise<void> {
  await ensureCredentials();
  const settings = loadSettings();
  const app = await createApp(settings);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const { host, port } = settings.app;
  await app.listen(port, host);
  const { port: bound } = app.getHttpServer().address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  Logger.log(
    `copilot-proxy listening on http://${shown}:${bound}`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigValidationError
      ? error.message
      : String((error as Error)?.stack ?? error);
  process.stderr.write(`copilot-proxy failed to start: ${message}\n`);
  process.exit(1);
});
