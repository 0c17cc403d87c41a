import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ruleOn } from '../config/compat.config';
import type { Settings } from '../config/settings';
import type { UpstreamRequest } from '../copilot/copilot-client';
import { setHeader } from '../http/header-policy';
import { MetricsService } from '../metrics/metrics.service';
import type { RequestContext } from '../request-context/request-context';
import { applyRules } from './apply-rules';
import type { CompatApi, CompatRule } from './compat-rule';
import { REQUEST_RULES } from './rules';

/** The upstream API of a model path (query aside). */
const API_OF_PATH: Record<string, CompatApi> = {
  '/chat/completions': 'chat',
  '/responses': 'responses',
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
};

/**
 * The compatibility stage (SPEC §13), after the bridge: what goes upstream,
 * native or translated, gets the smallest edits that let the real Copilot accept
 * it, one rule at a time (`rules/`). A request no rule touches goes up as it was,
 * the same object and bytes. The rules applied are named on the context (the
 * `X-Copilot-Adjusted` answer header and the log line) and counted.
 */
@Injectable()
export class CompatStage {
  private readonly rules: readonly CompatRule[];

  constructor(
    config: ConfigService<Settings, true>,
    private readonly metrics: MetricsService,
  ) {
    const compat = config.get('compat', { infer: true });
    this.rules = REQUEST_RULES.filter((rule) => ruleOn(compat, rule.id));
  }

  /**
   * The request to send. `parsed` is its body already parsed (the client's, or
   * what the bridge wrote), when the caller has it; a body not yet read (a
   * stream) is left alone.
   */
  adjust(
    context: RequestContext,
    request: UpstreamRequest,
    parsed: unknown,
  ): UpstreamRequest {
    if (this.rules.length === 0) return request;
    const query = request.path.indexOf('?');
    const api =
      API_OF_PATH[query === -1 ? request.path : request.path.slice(0, query)];
    if (api === undefined) return request;
    const bytes = Buffer.isBuffer(request.body) ? request.body : undefined;
    const result = applyRules(this.rules, {
      api,
      model: context.model,
      bytes,
      parsed: bytes ? parsed : undefined,
      headers: request.headers,
      translated: context.bridge !== undefined,
    });
    if (result.applied.length === 0) return request;
    this.note(context, result.applied);
    const adjusted = { ...request, headers: result.headers };
    if (result.bytes) {
      setHeader(
        adjusted.headers,
        'Content-Length',
        String(result.bytes.length),
      );
      adjusted.body = result.bytes;
    }
    return adjusted;
  }

  /** Names rules applied to this exchange (request or answer rules alike). */
  note(context: RequestContext, names: readonly string[]): void {
    const adjustments = (context.adjustments ??= []);
    for (const name of names) {
      if (adjustments.includes(name)) continue;
      adjustments.push(name);
      this.metrics.adjustments.inc({ rule: name });
    }
  }
}
