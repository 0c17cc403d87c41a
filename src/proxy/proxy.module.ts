import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module';
import { InspectionModule } from '../inspection/inspection.module';
import { BridgeModule } from '../bridge/bridge.module';
import { CompatModule } from '../compat/compat.module';
import { ProxyDispatcher } from './proxy-dispatcher';
import { ProxyController } from './proxy.controller';
import { ProxyService } from './proxy.service';
import { ResponseRelay } from './response-relay';

@Module({
  imports: [InspectionModule, CacheModule, BridgeModule, CompatModule],
  controllers: [ProxyController],
  providers: [ProxyService, ResponseRelay, ProxyDispatcher],
})
export class ProxyModule {}
