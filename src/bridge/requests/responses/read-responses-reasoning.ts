import {
  UntranslatableError,
  type BridgeRequest,
  type Json,
  type ReasoningEffort,
  type ReasoningPart,
} from '../../ir';
import {
  optionalArray,
  optionalRecord,
  optionalString,
  recordAt,
  stringAt,
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

/** Summary texts, with the encrypted content only Responses can take back. */
export function readReasoningItem(item: Json, path: string): ReasoningPart {
  const summary = optionalArray(item.summary, `${path}.summary`) ?? [];
  const text = summary
    .map((entry, i) => {
      const entryPath = `${path}.summary[${i}]`;
      return stringAt(recordAt(entry, entryPath).text, `${entryPath}.text`);
    })
    .join('\n\n');
  const part: ReasoningPart = { type: 'reasoning', text };
  const encrypted = optionalString(
    item.encrypted_content,
    `${path}.encrypted_content`,
  );
  if (encrypted !== undefined) part.encrypted = encrypted;
  const id = optionalString(item.id, `${path}.id`);
  if (id !== undefined) part.id = id;
  return part;
}

export function readReasoningOptions(
  scope: ReaderScope,
  value: unknown,
  request: BridgeRequest,
): void {
  const reasoning = optionalRecord(value, 'reasoning');
  if (!reasoning) return;
  noteUnhandledKeys(
    reasoning,
    ['effort', 'summary', 'generate_summary'],
    scope.notes,
    'reasoning',
  );
  const result: NonNullable<BridgeRequest['reasoning']> = { enabled: true };
  const effort = optionalString(reasoning.effort, 'reasoning.effort');
  if (effort === 'none') {
    result.enabled = false;
  } else if (effort !== undefined) {
    if (!EFFORTS[effort]) {
      throw new UntranslatableError(
        'reasoning.effort',
        `unknown reasoning effort "${effort}"`,
      );
    }
    result.effort = EFFORTS[effort];
  }
  const summary =
    optionalString(reasoning.summary, 'reasoning.summary') ??
    optionalString(reasoning.generate_summary, 'reasoning.generate_summary');
  if (summary !== undefined) result.summary = summary;
  request.reasoning = result;
}
