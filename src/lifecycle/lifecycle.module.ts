import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ShutdownHealthIndicator } from './shutdown.health';
import { ShutdownService } from './shutdown.service';

@Global()
@Module({
  imports: [TerminusModule],
  providers: [ShutdownService, ShutdownHealthIndicator],
  exports: [ShutdownService, ShutdownHealthIndicator],
})
export class LifecycleModule {}
