import { Module } from '@nestjs/common';
import { ServerListeners } from './server-listeners';

/**
 * Owns the per-request context and the server's raw listeners. Logging, metrics
 * and the drain are told of each request from here, in a fixed order.
 */
@Module({ providers: [ServerListeners] })
export class RequestContextModule {}
