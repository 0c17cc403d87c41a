import { Module } from '@nestjs/common';
import { RequestInspector } from './request-inspector';
import { TokenCountFallback } from './token-count.fallback';

/** Copilot-aware requests: initiator and vision headers, count_tokens fallback. */
@Module({
  providers: [RequestInspector, TokenCountFallback],
  exports: [RequestInspector, TokenCountFallback],
})
export class InspectionModule {}
