import type { CompatRule } from '../compat-rule';
import { elements, isObject } from './rule-helpers';

/**
 * R4: `/responses` refuses the hosted `image_generation` tool (Codex declares
 * it), as a tool and as a `tool_choice`; `web_search` is served (Floway
 * `strip-image-generation.ts`: "Copilot's `/responses` endpoint rejects public
 * `image_generation` tool entries"; caozhiyuan `removeUnsupportedTools`). The
 * tool is dropped; a `tool_choice` naming it, or one that requires a tool when
 * none is left, is removed (the default, `auto`).
 */
export const stripImageGeneration: CompatRule = {
  id: 'r4',
  name: 'image_generation',
  apis: ['responses'],
  apply({ body }, edit) {
    if (!body) return false;
    const tools = elements(body.tools);
    let dropped = 0;
    tools.forEach((tool, i) => {
      if (!isObject(tool) || tool.type !== 'image_generation') return;
      edit.remove(['tools', i]);
      dropped++;
    });
    const choice = body.tool_choice;
    const named = isObject(choice) && choice.type === 'image_generation';
    const none = tools.length > 0 && dropped === tools.length;
    const requiresTool =
      choice === 'required' || (isObject(choice) && choice.type !== undefined);
    if (named || (none && requiresTool)) edit.remove(['tool_choice']);
    return dropped > 0 || named;
  },
};
