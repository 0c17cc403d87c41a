import {
  UntranslatableError,
  type BridgeRequest,
  type BridgeTool,
  type Json,
} from '../../ir';
import { functionTool, namedToolChoice } from '../function-tool';
import { arrayAt, isSet, recordAt, stringAt } from '../json-fields';
import { noteIgnored, noteUnhandledKeys } from '../notes';
import type { ReaderScope } from '../reader-scope';
import { notCarried } from '../refusal';
import { flatToolName } from '../tool-names';

/** Hosted tools the model may use but need not: left out, so Codex works on chat-only models. */
const OPTIONAL_HOSTED_TOOLS = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

export function readResponsesTools(
  scope: ReaderScope,
  list: unknown[],
): BridgeTool[] {
  const tools: BridgeTool[] = [];
  list.forEach((value, i) => {
    const path = `tools[${i}]`;
    const tool = recordAt(value, path);
    const type = stringAt(tool.type, `${path}.type`);
    if (type === 'function') {
      tools.push(readFunctionTool(scope, tool, path));
    } else if (type === 'namespace') {
      const namespace = stringAt(tool.name, `${path}.name`);
      arrayAt(tool.tools, `${path}.tools`).forEach((inner, j) => {
        const innerPath = `${path}.tools[${j}]`;
        const fn = recordAt(inner, innerPath);
        if (fn.type !== 'function') {
          throw notCarried(
            innerPath,
            scope.model,
            'responses',
            `${String(fn.type)} tools`,
          );
        }
        tools.push({ ...readFunctionTool(scope, fn, innerPath), namespace });
      });
    } else if (OPTIONAL_HOSTED_TOOLS.test(type)) {
      noteIgnored(scope.notes, `tools.${type}`);
    } else {
      throw notCarried(path, scope.model, 'responses', `${type} tools`);
    }
  });
  const seen = new Set<string>();
  tools.forEach((tool) => {
    const flat = flatToolName(tool.name, tool.namespace);
    if (seen.has(flat)) {
      throw new UntranslatableError(
        'tools',
        `two tools would both be called ${flat}`,
      );
    }
    seen.add(flat);
  });
  return tools;
}

/** No `parameters` means no arguments: an empty object schema. */
function readFunctionTool(
  scope: ReaderScope,
  tool: Json,
  path: string,
): BridgeTool {
  noteUnhandledKeys(
    tool,
    ['type', 'name', 'description', 'parameters', 'strict'],
    scope.notes,
    'tools[]',
  );
  return functionTool(tool, path);
}

export function readResponsesToolChoice(
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
    request.toolChoice = {
      type: 'tool',
      name: stringAt(choice.name, 'tool_choice.name'),
    };
    return;
  }
  throw notCarried(
    'tool_choice',
    scope.model,
    'responses',
    `tool choice of type ${String(choice.type)}`,
  );
}
