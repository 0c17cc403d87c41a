import { Module } from '@nestjs/common';
import { AnswerStage } from './answers/answer.stage';
import { CompatStage } from './compat.stage';

/** The compatibility stage: Copilot's known rules, applied on the way (SPEC §13). */
@Module({
  providers: [CompatStage, AnswerStage],
  exports: [CompatStage, AnswerStage],
})
export class CompatModule {}
