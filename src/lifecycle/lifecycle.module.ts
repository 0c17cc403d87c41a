import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ShutdownHealthIndicator } from './shutdown.health';
import { ShutdownService } from './shutdown.service';
import { StartupReport } from './startup-report';

@Global()
@Module({
  imports: [TerminusModule],
  providers: [ShutdownService, ShutdownHealthIndicator, StartupReport],
  exports: [ShutdownService, ShutdownHealthIndicator, StartupReport],
})
export class LifecycleModule {}
