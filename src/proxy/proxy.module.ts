import { Module } from '@nestjs/common';
import { ProxyController } from './proxy.controller';
import { ProxyService } from './proxy.service';
import { ResponseRelay } from './response-relay';

@Module({
  controllers: [ProxyController],
  providers: [ProxyService, ResponseRelay],
})
export class ProxyModule {}
