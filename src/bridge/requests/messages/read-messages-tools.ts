import {
  UntranslatableError,
  type BridgeRequest,
  type BridgeTool,
  type ToolChoice,
} from '../../ir';
import {
  isSet,
  optionalBoolean,
  optionalRecord,
  optionalString,
  recordAt,
  stringAt,
} from '../json-fields';
import { noteIgnored, noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';

/** A custom tool; server tools (`web_search_…`, `bash_…`, …) run only at Anthropic. */
export function readMessagesTool(
  scope: ReaderScope,
  value: unknown,
  path: string,
): BridgeTool {
  const tool = recordAt(value, path);
  if (isSet(tool.type) && tool.type !== 'custom') {
    throw notCarried(
      path,
      scope.model,
      'messages',
      `server tool ${String(tool.type)} (it runs only on Anthropic's servers)`,
    );
  }
  if (isSet(tool.cache_control)) noteIgnored(scope.notes, 'cache_control');
  noteUnhandledKeys(
    tool,
    ['type', 'name', 'description', 'input_schema', 'strict', 'cache_control'],
    scope.notes,
    'tools[]',
  );
  const result: BridgeTool = {
    name: stringAt(tool.name, `${path}.name`),
    parameters: recordAt(tool.input_schema, `${path}.input_schema`),
  };
  const description = optionalString(tool.description, `${path}.description`);
  if (description !== undefined) result.description = description;
  const strict = optionalBoolean(tool.strict, `${path}.strict`);
  if (strict !== undefined) result.strict = strict;
  return result;
}

export function readMessagesToolChoice(
  value: unknown,
  request: BridgeRequest,
): void {
  const choice = optionalRecord(value, 'tool_choice');
  if (!choice) return;
  const disableParallel = optionalBoolean(
    choice.disable_parallel_tool_use,
    'tool_choice.disable_parallel_tool_use',
  );
  if (disableParallel) request.parallelToolCalls = false;
  let toolChoice: ToolChoice;
  switch (choice.type) {
    case 'auto':
      toolChoice = { type: 'auto' };
      break;
    case 'none':
      toolChoice = { type: 'none' };
      break;
    case 'any':
      toolChoice = { type: 'required' };
      break;
    case 'tool':
      toolChoice = {
        type: 'tool',
        name: stringAt(choice.name, 'tool_choice.name'),
      };
      break;
    default:
      throw new UntranslatableError(
        'tool_choice.type',
        `unknown tool choice "${String(choice.type)}" (auto, any, tool or none)`,
      );
  }
  request.toolChoice = toolChoice;
}
