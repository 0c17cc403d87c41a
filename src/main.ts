import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadSettings, Settings } from './config/settings';
import { loopStatsFromEnv } from './lifecycle/loop-stats';
import { describeStartFailure } from './lifecycle/start-failure';
import { StartupReport } from './lifecycle/startup-report';
import { ensureCredentials } from './login/ensure-credentials';

let settings: Settings | undefined;

async function bootstrap(): Promise<void> {
  loopStatsFromEnv();
  await ensureCredentials();
  settings = loadSettings();
  const app = await createApp(settings);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(settings.app.port, settings.app.host);
  Logger.log(await app.get(StartupReport).line(), 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  const target = settings && {
    host: settings.app.host,
    port: settings.app.port,
  };
  process.stderr.write(
    `copilot-proxy failed to start: ${describeStartFailure(error, target)}\n`,
  );
  process.exit(1);
});
