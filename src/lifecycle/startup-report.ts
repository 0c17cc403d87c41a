import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { Settings } from '../config/settings';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotTokenProvider,
} from '../copilot/token/copilot-token.provider';
import { ModelCatalog } from '../models/model-catalog.service';

/** How long the start-up line waits for the account's model list. */
const MODELS_WAIT_MS = 2_000;

/**
 * The one start-up line that says what this instance is: where it listens, the
 * token mode and source, the upstream host, keys, limits, cache mode and — when a
 * token is available — how many models the account has.
 */
@Injectable()
export class StartupReport {
  constructor(
    private readonly config: ConfigService<Settings, true>,
    private readonly adapterHost: HttpAdapterHost,
    private readonly keys: ClientKeyRegistry,
    private readonly catalog: ModelCatalog,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
  ) {}

  async line(): Promise<string> {
    const copilot = this.config.get('copilot', { infer: true });
    const rateLimit = this.config.get('rateLimit', { infer: true });
    const cache = this.config.get('cache', { infer: true });
    const inspection = this.config.get('inspection', { infer: true });
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;

    await Promise.race([
      this.catalog.ready(),
      new Promise((r) => setTimeout(r, MODELS_WAIT_MS).unref()),
    ]);
    const upstream = await this.tokens
      .getCredentials()
      .then((c) => new URL(c.apiBaseUrl).host)
      .catch(() =>
        copilot.apiBaseUrl
          ? new URL(copilot.apiBaseUrl).host
          : 'from the token exchange (none yet)',
      );
    const models = this.catalog.entry()?.models.size;
    const keyCount = this.keys.all.length;
    const quotas = this.keys.all.filter((k) => k.quota).length;
    const ownSeats = this.keys.all.filter((k) => k.seat === 'own').length;
    const parts = [
      copilot.tokenSource === 'none'
        ? 'token: none (every key on its own seat)'
        : `token: ${copilot.copilotToken ? 'static' : 'dynamic'} (${copilot.tokenSource})`,
      ...(ownSeats > 0 ? [`own seats: ${ownSeats} key(s)`] : []),
      `upstream: ${upstream}`,
      `keys: ${keyCount > 0 || this.config.get('auth', { infer: true }).keysFile ? `on (${keyCount}${quotas ? `, ${quotas} with quotas` : ''})` : 'off'}`,
      `rate limit: ${rateLimit.max > 0 ? `${rateLimit.max}/${rateLimit.windowMs} ms` : 'off'}${rateLimit.redisUrl ? ' (Redis)' : ''}`,
      `initiator: ${inspection.initiator}`,
      `response cache: ${cache.responseMode}`,
      `models: ${models ?? 'unknown yet'}`,
    ];
    return `copilot-proxy listening on http://${host}:${port} — ${parts.join('; ')}`;
  }
}
