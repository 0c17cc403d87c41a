import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Settings } from '../config/settings';
import { MetricsService } from './metrics.service';

/**
 * With `METRICS_PORT`, `/metrics` is served by a listener of its own, so the
 * Service port clients use never exposes it (Prometheus scrapes the pod's
 * metrics port). Nothing else is served there; every series is, those by key
 * name included.
 */
@Injectable()
export class MetricsServer
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;
  private readonly port: number | undefined;
  private readonly host: string;

  constructor(
    private readonly metrics: MetricsService,
    config: ConfigService<Settings, true>,
  ) {
    const app = config.get('app', { infer: true });
    this.port = app.metricsPort;
    this.host = app.host;
  }

  /** Whether `/metrics` lives on its own port (and not on the proxy's). */
  get separate(): boolean {
    return this.port !== undefined;
  }

  /** The port it listens on, once it does. */
  get address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.port === undefined) return;
    const server = createServer((req, res) => {
      if (
        req.method !== 'GET' ||
        (req.url ?? '').split('?')[0] !== '/metrics'
      ) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      void this.metrics.scrape(true).then(
        (body) => {
          res.writeHead(200, {
            'content-type': this.metrics.registry.contentType,
          });
          res.end(body);
        },
        () => res.writeHead(500).end(),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.logger.log(`metrics on port ${this.address?.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
