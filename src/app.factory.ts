import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BootQuietLogger } from './logging/boot-quiet.logger';
import { AppModule } from './app.module';
import type { Settings } from './config/settings';

/**
 * Nest's body parser is off: the proxy pipes raw request bytes upstream. The same
 * options serve `main.ts` and the tests' `Test.createTestingModule` apps.
 */
export const APP_OPTIONS = {
  bodyParser: false,
  bufferLogs: true,
  abortOnError: false,
} as const;

/** What every app needs once created, however it was created. */
export function configureApp(
  app: NestExpressApplication,
  settings: Settings,
): NestExpressApplication {
  app.useLogger(app.get(BootQuietLogger));
  // Express would stamp every proxied answer with X-Powered-By.
  app.disable('x-powered-by');
  app.set('etag', false);
  // Only behind a configured proxy does X-Forwarded-For name the client (rate limits).
  app.set('trust proxy', settings.auth.trustProxy);
  return app;
}

export async function createApp(
  settings: Settings,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(settings),
    APP_OPTIONS,
  );
  return configureApp(app, settings);
}
