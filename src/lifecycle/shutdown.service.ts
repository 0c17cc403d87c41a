import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server, ServerResponse } from 'node:http';
import type { Settings } from '../config/settings';

/** How long the requests cut at the shutdown timeout get to finish their bookkeeping. */
const CUT_SETTLE_MS = 1_000;

/**
 * Graceful drain. On SIGTERM/SIGINT (Nest's first shutdown hook) readiness turns
 * down, the listener stops taking connections, idle keep-alive connections close,
 * and in-flight requests — SSE streams included — get `SHUTDOWN_TIMEOUT_MS` to end
 * before what remains is cut. `ServerListeners` reports each request's start and end.
 */
@Injectable()
export class ShutdownService implements OnModuleDestroy {
  private readonly logger = new Logger(ShutdownService.name);
  private readonly timeoutMs: number;
  private draining = false;
  private readonly inFlight = new Set<ServerResponse>();
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService<Settings, true>,
  ) {
    this.timeoutMs = config.get('app', { infer: true }).shutdownTimeoutMs;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  requestStarted(res: ServerResponse): void {
    this.inFlight.add(res);
    if (this.draining) res.shouldKeepAlive = false;
  }

  requestEnded(res: ServerResponse): void {
    this.inFlight.delete(res);
    if (!this.draining) return;
    // The connection turns idle only after this tick; close it then.
    setImmediate(() => this.server().closeIdleConnections());
    if (this.inFlight.size === 0) this.onIdle?.();
  }

  async onModuleDestroy(): Promise<void> {
    this.draining = true;
    // Answers still to come say `Connection: close`: a kept-alive client must not
    // send its next request to a socket about to close.
    for (const res of this.inFlight) res.shouldKeepAlive = false;
    const server = this.server();
    if (!server.listening) return;
    // A second signal during the drain (Ctrl-C again) means: now.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, this.exitNow);
    }
    this.logger.log(
      `draining ${this.inFlight.size} in-flight request(s), up to ${this.timeoutMs} ms`,
    );
    server.close();
    server.closeIdleConnections();
    const drained = await this.waitForIdle(this.timeoutMs);
    if (!drained) {
      this.logger.warn(
        `shutdown timeout: cutting ${this.inFlight.size} request(s) still in flight`,
      );
    }
    server.closeAllConnections();
    // Cut sockets close a moment later: their requests' last words — usage
    // counted, log line written — come before the stores close.
    if (!drained) await this.waitForIdle(CUT_SETTLE_MS);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.off(signal, this.exitNow);
    }
  }

  private readonly exitNow = (signal: NodeJS.Signals): void => {
    this.logger.warn(
      `${signal} again: exiting now, cutting ${this.inFlight.size} request(s)`,
    );
    process.exit(1);
  };

  private waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
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
