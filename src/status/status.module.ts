import { Module } from '@nestjs/common';
import { StatusController } from './status.controller';

/** `/`: the proxy's own status page. */
@Module({ controllers: [StatusController] })
export class StatusModule {}
