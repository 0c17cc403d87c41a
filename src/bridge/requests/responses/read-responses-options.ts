import { UntranslatableError, type BridgeRequest } from '../../ir';
import {
  optionalBoolean,
  optionalRecord,
  optionalString,
  recordAt,
} from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';

/** `text.format`: plain text, a JSON object, or a JSON schema. */
export function readTextOptions(
  scope: ReaderScope,
  value: unknown,
  request: BridgeRequest,
): void {
  const text = optionalRecord(value, 'text');
  if (!text) return;
  noteUnhandledKeys(text, ['format'], scope.notes, 'text');
  const format = optionalRecord(text.format, 'text.format');
  if (!format || format.type === 'text') return;
  if (format.type === 'json_object') {
    request.responseFormat = { type: 'json_object' };
    return;
  }
  if (format.type !== 'json_schema') {
    throw new UntranslatableError(
      'text.format.type',
      `unknown text format "${String(format.type)}"`,
    );
  }
  noteUnhandledKeys(
    format,
    ['type', 'name', 'schema', 'strict'],
    scope.notes,
    'text.format',
  );
  request.responseFormat = {
    type: 'json_schema',
    name: optionalString(format.name, 'text.format.name') ?? 'output',
    schema: recordAt(format.schema, 'text.format.schema'),
  };
  const strict = optionalBoolean(format.strict, 'text.format.strict');
  if (strict !== undefined) request.responseFormat.strict = strict;
}
