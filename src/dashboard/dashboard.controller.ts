import { All, Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '../common/public.decorator';
import { ProxyError } from '../errors/proxy-error';
import { DashboardAssets } from './dashboard-assets';
import { sendAsset } from './send-asset';

/**
 * `GET /dashboard`: the usage page and its files. The page needs no key (it holds
 * no data); its calls to `/usage` carry the one typed into it. Nothing under
 * `/dashboard` is proxied: an unknown file is a 404 here.
 */
@Public()
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly assets: DashboardAssets) {}

  @Get()
  page(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    sendAsset(req, res, this.assets.get('index.html')!);
  }

  @Get(':name')
  file(
    @Param('name') name: string,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): void {
    const asset = this.assets.get(name);
    if (asset === undefined) throw new ProxyError('not_found');
    sendAsset(req, res, asset);
  }

  @All(['', ':name'])
  otherMethod(): never {
    throw new ProxyError('method_not_allowed', {
      headers: { allow: 'GET, HEAD' },
    });
  }

  @All('{*rest}')
  elsewhere(): never {
    throw new ProxyError('not_found');
  }
}
