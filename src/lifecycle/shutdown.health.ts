import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownService } from './shutdown.service';

/** Down from the moment a shutdown signal arrives, so the pod leaves the Service. */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly shutdown: ShutdownService,
  ) {}

  check() {
    const indicator = this.health.check('shutdown');
    return this.shutdown.isDraining
      ? indicator.down({ detail: 'draining: shutting down' })
      : indicator.up({ detail: 'serving' });
  }
}
