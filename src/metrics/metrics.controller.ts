import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../common/public.decorator';
import { ProxyError } from '../errors/proxy-error';
import { MetricsServer } from './metrics-server';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly server: MetricsServer,
  ) {}

  /** On the proxy's port unless `METRICS_PORT` gives metrics a port of their own. */
  @Public()
  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    if (this.server.separate) {
      throw new ProxyError('not_found', {
        message: '/metrics is served on METRICS_PORT, not here',
      });
    }
    const body = await this.metrics.registry.metrics();
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.end(body);
  }
}
