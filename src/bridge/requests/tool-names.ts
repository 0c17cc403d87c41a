import type { BridgeTool } from '../ir';

/**
 * Codex declares grouped tools (`{"type":"namespace","name":"multi_agent_v1",
 * "tools":[{"type":"function","name":"spawn_agent",…}]}`) and routes a call by
 * namespace and name (`function_call.namespace`). Chat has flat names only, so a
 * namespaced function goes up as `<namespace>__<name>` (the form Codex itself
 * shows models, e.g. `multi_agent_v1__spawn_agent`), and the answer side maps a
 * called name back with `splitToolName` and the request's tools.
 */
export const NAMESPACE_SEPARATOR = '__';

export function flatToolName(name: string, namespace?: string): string {
  return namespace === undefined
    ? name
    : `${namespace}${NAMESPACE_SEPARATOR}${name}`;
}

/** The declared tool a flat name stands for; an undeclared name stays as it is. */
export function splitToolName(
  flat: string,
  tools: readonly BridgeTool[] | undefined,
): { name: string; namespace?: string } {
  const tool = tools?.find(
    (candidate) => flatToolName(candidate.name, candidate.namespace) === flat,
  );
  if (!tool) return { name: flat };
  return tool.namespace === undefined
    ? { name: tool.name }
    : { name: tool.name, namespace: tool.namespace };
}
