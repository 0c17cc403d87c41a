import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { routeClass } from './route-class';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Counts every answered request at the HTTP server, so the ones a guard refused
   * (401, 429) and the malformed ones count too.
   */
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.once('close', () => {
        this.metrics.observeRequest(
          req.method ?? 'OTHER',
          routeClass(req.url ?? ''),
          res.statusCode,
        );
      });
    });
  }
}
