import { Controller, Get, Header, Inject, Req, Res } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import { Public } from '../common/public.decorator';
import type { Settings } from '../config/settings';
import {
  COPILOT_TOKEN_PROVIDER,
  CopilotTokenProvider,
} from '../copilot/token/copilot-token.provider';
import { ModelCatalog } from '../models/model-catalog.service';
import { Status, statusPage } from './status-page';

/** The version in package.json, read once. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * `GET /` and `HEAD /`: the proxy's own status page (SPEC §12) — name,
 * version, upstream host, token state and links — never forwarded and needing
 * no key (Claude Code sends a keyless `HEAD /` or `HEAD /api/hello` at every
 * start). JSON for a client that asks for it.
 */
@Public()
@Controller()
export class StatusController {
  private readonly version = packageVersion();

  constructor(
    private readonly config: ConfigService<Settings, true>,
    private readonly catalog: ModelCatalog,
    private readonly keys: ClientKeyRegistry,
    @Inject(COPILOT_TOKEN_PROVIDER)
    private readonly tokens: CopilotTokenProvider,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header(
    'Content-Security-Policy',
    "default-src 'none'; frame-ancestors 'none'",
  )
  @Header('X-Content-Type-Options', 'nosniff')
  status(@Req() req: Request, @Res() res: Response): void {
    const status = this.current();
    if (req.accepts(['html', 'json']) === 'json') {
      res.json(status);
      return;
    }
    res.type('html').send(statusPage(status));
  }

  /**
   * Claude Code's start probe (2.1.332 and later; earlier ones sent `HEAD /`):
   * answered here, keyless, so it never reaches Copilot with the Copilot token.
   */
  @Get('api/hello')
  @Header('Cache-Control', 'no-store')
  hello(): { name: string; version: string } {
    return { name: 'copilot-proxy', version: this.version };
  }

  private current(): Status {
    const entry = this.catalog.entry();
    const configured = this.config.get('copilot', { infer: true }).apiBaseUrl;
    const upstream = entry
      ? entry.account.split('/')[0]
      : configured
        ? new URL(configured).host
        : 'from the token exchange (none yet)';
    return {
      name: 'copilot-proxy',
      version: this.version,
      upstream,
      token: this.tokens.status(),
      keys:
        this.keys.all.length > 0 ||
        this.config.get('auth', { infer: true }).keysFile !== undefined
          ? 'on'
          : 'off',
      models: entry?.models.size,
    };
  }
}
