import {
  MiddlewareConsumer,
  Module,
  NestModule,
  RequestMethod,
} from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';
import { DashboardHeadersMiddleware } from './security-headers';

/** The usage page at `/dashboard`, served whole by the proxy (no CDN). */
@Module({
  controllers: [DashboardController],
  providers: [
    { provide: DashboardAssets, useFactory: () => new DashboardAssets() },
  ],
})
export class DashboardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(DashboardHeadersMiddleware)
      .forRoutes(
        { path: 'dashboard', method: RequestMethod.ALL },
        { path: 'dashboard/{*rest}', method: RequestMethod.ALL },
      );
  }
}
