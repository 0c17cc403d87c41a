import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProxyService } from './proxy.service';

/**
 * Every path the service does not answer itself goes upstream. Registered after the
 * service's own controllers, so `/healthz`, `/readyz` and `/metrics` match first.
 */
@Controller()
export class ProxyController {
  constructor(private readonly proxy: ProxyService) {}

  @All('{*path}')
  forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.proxy.forward(req, res);
  }
}
