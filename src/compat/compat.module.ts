import { Module } from '@nestjs/common';
import { CompatStage } from './compat.stage';

/** The compatibility stage: Copilot's known rules, applied on the way (SPEC §13). */
@Module({ providers: [CompatStage], exports: [CompatStage] })
export class CompatModule {}
