import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { openAiError } from '../common/openai-error';
import { ProxyController } from './proxy.controller';
import { ProxyService } from './proxy.service';

const CONNECT_REFUSAL = (() => {
  const body = JSON.stringify(
    openAiError(
      'CONNECT is not allowed through this proxy',
      'invalid_request_error',
      'method_not_allowed',
    ),
  );
  return (
    'HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
})();

@Module({
  controllers: [ProxyController],
  providers: [ProxyService],
})
export class ProxyModule implements OnApplicationBootstrap {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Node hands CONNECT to a separate event, outside Express: refuse it there. */
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('connect', (_req, socket: Duplex) => {
      socket.on('error', () => undefined);
      socket.end(CONNECT_REFUSAL);
    });
  }
}
