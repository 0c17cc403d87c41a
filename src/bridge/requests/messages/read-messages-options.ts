import {
  UntranslatableError,
  type BridgeRequest,
  type ReasoningEffort,
} from '../../ir';
import {
  optionalNumber,
  optionalRecord,
  optionalString,
  recordAt,
} from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  /** Anthropic's level above `xhigh`; OpenAI's highest is `xhigh`. */
  max: 'xhigh',
};

/**
 * `thinking` and `output_config`. Enabled or adaptive thinking asks for
 * reasoning the client will show, so it also asks for a reasoning summary
 * (`auto`) unless `display` is `omitted`; `max` effort is read as `xhigh`.
 */
export function readReasoningAndFormat(
  scope: ReaderScope,
  thinkingValue: unknown,
  configValue: unknown,
  request: BridgeRequest,
): void {
  const thinking = optionalRecord(thinkingValue, 'thinking');
  const config = optionalRecord(configValue, 'output_config');
  const reasoning: NonNullable<BridgeRequest['reasoning']> = { enabled: true };
  if (thinking) {
    noteUnhandledKeys(
      thinking,
      ['type', 'budget_tokens', 'display'],
      scope.notes,
      'thinking',
    );
    switch (thinking.type) {
      case 'enabled': {
        const budget = optionalNumber(
          thinking.budget_tokens,
          'thinking.budget_tokens',
        );
        if (budget !== undefined) reasoning.budgetTokens = budget;
        break;
      }
      case 'adaptive':
      case 'between_tools':
        break;
      case 'disabled':
        reasoning.enabled = false;
        break;
      default:
        throw new UntranslatableError(
          'thinking.type',
          `unknown thinking type "${String(thinking.type)}"`,
        );
    }
    const display = optionalString(thinking.display, 'thinking.display');
    if (reasoning.enabled && display !== 'omitted') reasoning.summary = 'auto';
  }
  if (config) {
    noteUnhandledKeys(
      config,
      ['effort', 'format'],
      scope.notes,
      'output_config',
    );
    const effort = optionalString(config.effort, 'output_config.effort');
    if (effort !== undefined) {
      if (!EFFORTS[effort]) {
        throw new UntranslatableError(
          'output_config.effort',
          `unknown effort "${effort}" (low, medium, high, xhigh or max)`,
        );
      }
      reasoning.effort = EFFORTS[effort];
    }
    const format = optionalRecord(config.format, 'output_config.format');
    if (format) {
      if (format.type !== 'json_schema') {
        throw new UntranslatableError(
          'output_config.format.type',
          `unknown output format "${String(format.type)}" (json_schema)`,
        );
      }
      request.responseFormat = {
        type: 'json_schema',
        name: 'output',
        schema: recordAt(format.schema, 'output_config.format.schema'),
      };
    }
  }
  if (thinking || reasoning.effort !== undefined) request.reasoning = reasoning;
}

/** `metadata.user_id` becomes `user`; other metadata is noted. */
export function readMetadata(
  scope: ReaderScope,
  value: unknown,
  request: BridgeRequest,
): void {
  const metadata = optionalRecord(value, 'metadata');
  if (!metadata) return;
  const user = optionalString(metadata.user_id, 'metadata.user_id');
  if (user !== undefined) request.user = user;
  noteUnhandledKeys(metadata, ['user_id'], scope.notes, 'metadata');
}
