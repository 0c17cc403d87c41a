import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { AppConfig } from '../config/app.config';
import { BootQuietLogger } from './boot-quiet.logger';
import { RequestLogger } from './request-logger';

/**
 * One pino instance for everything: Nest's own log lines through nestjs-pino's
 * `Logger`, and one line per request from `RequestLogger`. nestjs-pino's pino-http
 * middleware is not mounted (`forRoutes: []`): it cost a quarter of the proxy's
 * throughput.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = pino({
      level: config.logLevel,
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(config.logFormat === 'pretty' && {
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      }),
      // A backstop: no serializer here ever emits headers or tokens.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          '*.token',
        ],
        censor: '[redacted]',
      },
    });
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ forRoutes: [], pinoHttp: { logger } })],
      providers: [
        { provide: RequestLogger, useValue: new RequestLogger(logger) },
        BootQuietLogger,
      ],
      exports: [RequestLogger, BootQuietLogger],
    };
  }
}
