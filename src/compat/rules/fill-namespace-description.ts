import type { CompatRule } from '../compat-rule';
import type { JsonPath } from '../json-edits';
import { elements, isObject } from './rule-helpers';

/**
 * R6: some Copilot data planes refuse an empty namespace description:
 * `[StringParam] [input[0].tools[0].description] [empty_string] Invalid
 * 'input[0].tools[0].description': empty string…` (caozhiyuan/copilot-api#345,
 * #356, 2026-08; Codex CLI 0.147 groups its tools in an `additional_tools` item
 * under `{name:"functions", description:""}`). The description is filled with
 * `Tools in the <name> namespace.` in the top-level `tools` and in any input
 * item's `tools` (Floway `fill-empty-namespace-descriptions.ts`, #441). Empty
 * function descriptions are served and left alone.
 */
export const fillNamespaceDescription: CompatRule = {
  id: 'r6',
  name: 'namespace.description',
  apis: ['responses'],
  apply({ body }, edit) {
    if (!body) return false;
    let changed = fill(edit, ['tools'], body.tools);
    elements(body.input).forEach((item, i) => {
      if (isObject(item) && fill(edit, ['input', i, 'tools'], item.tools))
        changed = true;
    });
    return changed;
  },
};

function fill(
  edit: { set(path: JsonPath, value: unknown): void },
  path: JsonPath,
  tools: unknown,
): boolean {
  let changed = false;
  elements(tools).forEach((tool, i) => {
    if (!isObject(tool) || tool.type !== 'namespace') return;
    if (typeof tool.description === 'string' && tool.description.trim() !== '')
      return;
    const name = typeof tool.name === 'string' ? tool.name : 'default';
    edit.set([...path, i, 'description'], `Tools in the ${name} namespace.`);
    changed = true;
  });
  return changed;
}
