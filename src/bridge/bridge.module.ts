import { Module } from '@nestjs/common';
import { BridgeStage } from './bridge.stage';

/** The bridge: model ids resolved, and every model from every client API. */
@Module({ providers: [BridgeStage], exports: [BridgeStage] })
export class BridgeModule {}
