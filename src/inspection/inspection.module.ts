import { Module } from '@nestjs/common';
import { BodyBuffers } from './body-buffers';
import { RequestInspector } from './request-inspector';
import { TokenCountFallback } from './token-count.fallback';

/** Copilot-aware requests: initiator and vision headers, count_tokens fallback. */
@Module({
  providers: [BodyBuffers, RequestInspector, TokenCountFallback],
  exports: [BodyBuffers, RequestInspector, TokenCountFallback],
})
export class InspectionModule {}
