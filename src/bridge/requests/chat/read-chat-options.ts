import {
  UntranslatableError,
  type BridgeRequest,
  type ReasoningEffort,
} from '../../ir';
import {
  optionalBoolean,
  optionalRecord,
  optionalString,
  recordAt,
} from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';

const EFFORTS: Readonly<Record<string, ReasoningEffort>> = {
  minimal: 'minimal',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
  max: 'xhigh',
};

export function readResponseFormat(
  scope: ReaderScope,
  value: unknown,
  request: BridgeRequest,
): void {
  const format = optionalRecord(value, 'response_format');
  if (!format || format.type === 'text') return;
  if (format.type === 'json_object') {
    request.responseFormat = { type: 'json_object' };
    return;
  }
  if (format.type !== 'json_schema') {
    throw new UntranslatableError(
      'response_format.type',
      `unknown response format "${String(format.type)}"`,
    );
  }
  const path = 'response_format.json_schema';
  const schema = recordAt(format.json_schema, path);
  noteUnhandledKeys(schema, ['name', 'schema', 'strict'], scope.notes, path);
  request.responseFormat = {
    type: 'json_schema',
    name: optionalString(schema.name, `${path}.name`) ?? 'output',
    schema: optionalRecord(schema.schema, `${path}.schema`) ?? {},
  };
  const strict = optionalBoolean(schema.strict, `${path}.strict`);
  if (strict !== undefined) request.responseFormat.strict = strict;
}

export function readReasoningEffort(
  value: unknown,
  request: BridgeRequest,
): void {
  const effort = optionalString(value, 'reasoning_effort');
  if (effort === undefined) return;
  if (effort === 'none') {
    request.reasoning = { enabled: false };
    return;
  }
  if (!EFFORTS[effort]) {
    throw new UntranslatableError(
      'reasoning_effort',
      `unknown reasoning effort "${effort}"`,
    );
  }
  request.reasoning = { enabled: true, effort: EFFORTS[effort] };
}
