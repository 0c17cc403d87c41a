import { Module } from '@nestjs/common';
import { AnswerStage } from './answers/answer.stage';
import { CompatStage } from './compat.stage';
import { ThinkingRetry } from './retry-without-thinking';

/** The compatibility stage: Copilot's known rules, applied on the way (SPEC §13). */
@Module({
  providers: [CompatStage, AnswerStage, ThinkingRetry],
  exports: [CompatStage, AnswerStage, ThinkingRetry],
})
export class CompatModule {}
