import type { BridgeRequest, BridgeTool } from '../../ir';
import { functionTool, namedToolChoice } from '../function-tool';
import { isSet, recordAt, stringAt } from '../json-fields';
import { noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';

/** A function without `parameters` takes none: an empty object schema. */
export function readChatTool(
  scope: ReaderScope,
  value: unknown,
  path: string,
): BridgeTool {
  const tool = recordAt(value, path);
  if (tool.type !== 'function') {
    throw notCarried(path, scope.model, 'chat', `${String(tool.type)} tools`);
  }
  const fnPath = `${path}.function`;
  const fn = recordAt(tool.function, fnPath);
  noteUnhandledKeys(
    fn,
    ['name', 'description', 'parameters', 'strict'],
    scope.notes,
    'tools[].function',
  );
  return functionTool(fn, fnPath);
}

export function readChatToolChoice(
  scope: ReaderScope,
  value: unknown,
  request: BridgeRequest,
): void {
  if (!isSet(value)) return;
  const named = namedToolChoice(value);
  if (named) {
    request.toolChoice = named;
    return;
  }
  const choice = recordAt(value, 'tool_choice');
  if (choice.type === 'function') {
    const fn = recordAt(choice.function, 'tool_choice.function');
    request.toolChoice = {
      type: 'tool',
      name: stringAt(fn.name, 'tool_choice.function.name'),
    };
    return;
  }
  throw notCarried(
    'tool_choice',
    scope.model,
    'chat',
    `tool choice of type ${String(choice.type)}`,
  );
}
