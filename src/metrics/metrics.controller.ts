import { Controller, Get, Optional, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiKeyGuard, presentedKey } from '../auth/api-key.guard';
import { Public } from '../common/public.decorator';
import { ProxyError } from '../errors/proxy-error';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly server: MetricsServer,
    /** Registered only when keys are on. */
    @Optional() private readonly keys?: ApiKeyGuard,
  ) {}

  /**
   * On the proxy's port unless `METRICS_PORT` gives metrics a port of their
   * own. Here the series by key name go only to a key that may read all usage
   * (or to anyone while keys are off: the only name is `anonymous`), as
   * `/usage` shows other keys' figures only to it.
   */
  @Public()
  @Get('metrics')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (this.server.separate) {
      throw new ProxyError('not_found', {
        message: '/metrics is served on METRICS_PORT, not here',
      });
    }
    const body = await this.metrics.scrape(this.mayReadAll(req));
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(body);
  }

  /** Whether the caller may see every key's figures; a wrong key is refused (and counted) as anywhere. */
  private mayReadAll(req: Request): boolean {
    if (!this.keys) return true;
    const presented = presentedKey(req);
    return (
      presented !== undefined &&
      this.keys.keyOf(req, presented).readAllUsage === true
    );
  }
}
