import { Module } from '@nestjs/common';
import { BodyBuffers } from './body-buffers';
import { RequestInspector } from './request-inspector';
import { TokenCountFallback } from './token-count.fallback';
import { ToolCallIds } from './tool-call-ids';

/** Copilot-aware requests: initiator and vision headers, count_tokens fallback. */
@Module({
  providers: [BodyBuffers, RequestInspector, TokenCountFallback, ToolCallIds],
  exports: [BodyBuffers, RequestInspector, TokenCountFallback, ToolCallIds],
})
export class InspectionModule {}
