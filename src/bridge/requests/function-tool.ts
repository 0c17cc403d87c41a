import type { BridgeTool, Json, ToolChoice } from '../ir';
import {
  optionalBoolean,
  optionalRecord,
  optionalString,
  stringAt,
} from './json-fields';

/**
 * A function declaration as both OpenAI APIs write its fields (Chat under
 * `tools[].function`, Responses on the tool itself): name, description,
 * parameters and strict. A function without `parameters` takes none: an empty
 * object schema.
 */
export function functionTool(fn: Json, path: string): BridgeTool {
  const tool: BridgeTool = {
    name: stringAt(fn.name, `${path}.name`),
    parameters: optionalRecord(fn.parameters, `${path}.parameters`) ?? {
      type: 'object',
      properties: {},
    },
  };
  const description = optionalString(fn.description, `${path}.description`);
  if (description !== undefined) tool.description = description;
  const strict = optionalBoolean(fn.strict, `${path}.strict`);
  if (strict !== undefined) tool.strict = strict;
  return tool;
}

/** `tool_choice` as a word (`auto`, `none`, `required`), the same in both OpenAI APIs. */
export function namedToolChoice(value: unknown): ToolChoice | undefined {
  return value === 'auto' || value === 'none' || value === 'required'
    ? { type: value }
    : undefined;
}
