import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { appConfig, AppConfig } from '../config/app.config';

/**
 * Graceful drain. On SIGTERM/SIGINT (Nest's first shutdown hook) readiness turns
 * down, the listener stops taking connections, idle keep-alive connections close,
 * and in-flight requests — SSE streams included — get `SHUTDOWN_TIMEOUT_MS` to end
 * before what remains is cut.
 */
@Injectable()
export class ShutdownService
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(ShutdownService.name);
  private draining = false;
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  get isDraining(): boolean {
    return this.draining;
  }

  onApplicationBootstrap(): void {
    this.server().on(
      'request',
      (_req: IncomingMessage, res: ServerResponse) => {
        this.inFlight++;
        res.once('close', this.requestDone);
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    const server = this.server();
    if (!server.listening) return;
    this.logger.log(
      `draining ${this.inFlight} in-flight request(s), up to ${this.config.shutdownTimeoutMs} ms`,
    );
    server.close();
    server.closeIdleConnections();
    const drained = await this.waitForIdle(this.config.shutdownTimeoutMs);
    if (!drained) {
      this.logger.warn(
        `shutdown timeout: cutting ${this.inFlight} request(s) still in flight`,
      );
    }
    server.closeAllConnections();
  }

  private readonly requestDone = (): void => {
    this.inFlight--;
    if (!this.draining) return;
    // The connection turns idle only after this tick; close it then.
    setImmediate(() => this.server().closeIdleConnections());
    if (this.inFlight === 0) this.onIdle?.();
  };

  private waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private server(): Server {
    return this.adapterHost.httpAdapter.getHttpServer() as Server;
  }
}
