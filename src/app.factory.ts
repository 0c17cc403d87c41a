import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AuthConfig } from './config/auth.config';
import { validateEnv } from './config/validate-env';

/**
 * The application as both `main.ts` and the e2e tests create it. Nest's body parser
 * is off: the proxy pipes raw request bytes upstream.
 */
export async function createApp(): Promise<NestExpressApplication> {
  // Fail before Nest starts, so a bad environment gives one clean message.
  validateEnv(process.env);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(),
    {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  // Express would stamp every proxied answer with X-Powered-By.
  app.disable('x-powered-by');
  app.set('etag', false);
  // Only behind a configured proxy does X-Forwarded-For name the client (rate limits).
  app.set(
    'trust proxy',
    app.get(ConfigService).getOrThrow<AuthConfig>('auth').trustProxy,
  );
  return app;
}
