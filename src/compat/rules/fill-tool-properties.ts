import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * C13: strict validators refuse a function's `parameters` of `{type:"object"}`
 * with no `properties` (a tool without arguments, as opencode and MCP servers
 * declare them). `properties: {}` is added (Floway
 * `normalizeAnthropicMessagesToolInputSchema`, citing caozhiyuan commit
 * ad570698; the upstream text was not captured).
 */
export const fillToolProperties: CompatRule = {
  id: 'c13',
  name: 'parameters.properties',
  apis: ['chat'],
  apply({ body }, edit) {
    let changed = false;
    elements(body?.tools).forEach((tool, i) => {
      const fn = isObject(tool) ? tool.function : undefined;
      const parameters = isObject(fn) ? fn.parameters : undefined;
      if (!isObject(parameters) || parameters.type !== 'object') return;
      if ('properties' in parameters) return;
      edit.set(['tools', i, 'function', 'parameters', 'properties'], {});
      changed = true;
    });
    return changed;
  },
};
