import { Global, Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Settings } from '../config/settings';
import { TracingService } from './tracing.service';

/**
 * Tracing is on with an OTLP endpoint only; without one the SDK is not even
 * loaded (`tracer-provider`, and all OpenTelemetry code with it, is imported on
 * demand).
 */
async function tracingService(
  settings: ConfigService<Settings, true>,
): Promise<TracingService> {
  const config = settings.get('tracing', { infer: true });
  if (config.endpoint === undefined) return new TracingService(undefined);
  const { createTracing } = await import('./tracer-provider');
  // The origin only: a path or userinfo could carry a collector's credentials.
  new Logger('Tracing').log(
    `traces exported to ${new URL(config.endpoint).origin} over ${config.protocol}${config.captureContent ? ', with message content' : ''}`,
  );
  return new TracingService(createTracing(config), config.captureContent);
}

@Global()
@Module({
  providers: [
    {
      provide: TracingService,
      inject: [ConfigService],
      useFactory: tracingService,
    },
  ],
  exports: [TracingService],
})
export class TracingModule {}
