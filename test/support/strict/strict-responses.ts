import { copilotError, isObject, Json, list, Refusal } from './strict-refusals';
import { RESPONSES, StrictRule } from './strict-rule';

/** `<field> is not supported`, R1's shape (`unsupported_value`, `param`); R1's text, inferred for the others. */
const unsupported = (field: string, param = field): Refusal =>
  copilotError(`${field} is not supported`, 'unsupported_value', { param });

/** R6's `[StringParam]` text for an empty namespace description at `path`. */
const emptyDescription = (path: string): Refusal =>
  copilotError(
    `[StringParam] [${path}] [empty_string] Invalid '${path}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
  );

/** The first namespace with an empty description among `tools`, as `<prefix>[i].description`. */
function emptyNamespace(tools: unknown, prefix: string): Refusal | undefined {
  const i = list(tools).findIndex(
    (t) => t.type === 'namespace' && t.description === '',
  );
  return i === -1 ? undefined : emptyDescription(`${prefix}[${i}].description`);
}

const inputItems = (body: Json): Json[] =>
  Array.isArray(body.input) ? list(body.input) : [];

/** `/responses` rules (catalogue §2). */
export const RESPONSES_RULES: StrictRule[] = [
  {
    // R1: `store: true`.
    id: 'r1',
    paths: [RESPONSES],
    check: ({ body }) =>
      body.store === true ? unsupported('store') : undefined,
  },
  {
    // R1 (§10, opt-in): an absent `store` taken as true.
    id: 'r1-absent',
    paths: [RESPONSES],
    optIn: true,
    check: ({ body }) =>
      !('store' in body) ? unsupported('store') : undefined,
  },
  {
    // R2: `service_tier`.
    id: 'r2',
    paths: [RESPONSES],
    check: ({ body }) =>
      body.service_tier != null ? unsupported('service_tier') : undefined,
  },
  {
    // R3: server-side state: `previous_response_id`, `background`, `conversation`, `prompt`.
    id: 'r3',
    paths: [RESPONSES],
    check: ({ body }) => {
      for (const field of ['previous_response_id', 'conversation', 'prompt'])
        if (body[field] != null) return unsupported(field);
      return body.background === true ? unsupported('background') : undefined;
    },
  },
  {
    // R4: the hosted `image_generation` tool (or `tool_choice`).
    id: 'r4',
    paths: [RESPONSES],
    check: ({ body }) =>
      list(body.tools).some((t) => t.type === 'image_generation') ||
      (isObject(body.tool_choice) &&
        body.tool_choice.type === 'image_generation')
        ? unsupported('image_generation', 'tools')
        : undefined,
  },
  {
    // R5: a namespace named `image_gen` or `file_search` on gpt-5.5.
    id: 'r5',
    paths: [RESPONSES],
    check: ({ body, model }) => {
      if (!model.startsWith('gpt-5.5')) return undefined;
      const hit = list(body.tools).find(
        (t) =>
          t.type === 'namespace' &&
          (t.name === 'image_gen' || t.name === 'file_search'),
      );
      return hit
        ? copilotError(
            `Invalid Value: 'tools.namespace'. User-defined namespace '${String(hit.name)}' collides with an existing tool namespace.`,
          )
        : undefined;
    },
  },
  {
    // R6: an empty namespace description, in `tools` or in an input item's `tools`.
    id: 'r6',
    paths: [RESPONSES],
    check: ({ body }) => {
      const top = emptyNamespace(body.tools, 'tools');
      if (top) return top;
      const items = inputItems(body);
      for (let i = 0; i < items.length; i++) {
        const inner = emptyNamespace(items[i].tools, `input[${i}].tools`);
        if (inner) return inner;
      }
      return undefined;
    },
  },
  {
    // R7: `internal_*` keys inside input items.
    id: 'r7',
    paths: [RESPONSES],
    check: ({ body }) => {
      const items = inputItems(body);
      for (let i = 0; i < items.length; i++) {
        const key = Object.keys(items[i]).find((k) =>
          k.startsWith('internal_'),
        );
        if (key === undefined) continue;
        const value = items[i][key];
        const first = isObject(value) ? Object.keys(value)[0] : undefined;
        const path = `input[${i}].${key}${first === undefined ? '' : `.${first}`}`;
        return copilotError(
          `[ObjectParam] [${path}] [unknown_parameter] Unknown parameter: '${path}'.`,
        );
      }
      return undefined;
    },
  },
  {
    // R8: a `function_call` replay of a namespaced tool without its `namespace`.
    id: 'r8',
    paths: [RESPONSES],
    check: ({ body }) => {
      const tools = list(body.tools);
      const plain = new Set(
        tools.filter((t) => t.type === 'function').map((t) => t.name),
      );
      const namespaced = new Set(
        tools
          .filter((t) => t.type === 'namespace')
          .flatMap((t) => list(t.tools).map((f) => f.name)),
      );
      const call = inputItems(body).find(
        (i) =>
          i.type === 'function_call' &&
          i.namespace == null &&
          !plain.has(i.name) &&
          namespaced.has(i.name),
      );
      return call
        ? copilotError(
            `Missing namespace for function_call '${String(call.name)}'. It does not exist in the default namespace. Round-trip the model's function_call item with its namespace field included.`,
          )
        : undefined;
    },
  },
  {
    // R10: a reasoning item whose `encrypted_content` the fake did not issue (or that has none).
    id: 'r10',
    paths: [RESPONSES],
    check: ({ body }, ledger) => {
      const item = inputItems(body).find(
        (i) => i.type === 'reasoning' && !ledger.find(i.encrypted_content),
      );
      return item
        ? copilotError(
            `The encrypted content for item ${String(item.id)} could not be verified.`,
          )
        : undefined;
    },
  },
  {
    // R11: `max_output_tokens` below 16.
    id: 'r11',
    paths: [RESPONSES],
    check: ({ body }) =>
      typeof body.max_output_tokens === 'number' && body.max_output_tokens < 16
        ? copilotError(
            `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${body.max_output_tokens} instead.`,
          )
        : undefined,
  },
  {
    // R12: assistant `input_text` content on replay.
    id: 'r12',
    paths: [RESPONSES],
    check: ({ body }) =>
      inputItems(body).some(
        (i) =>
          i.role === 'assistant' &&
          list(i.content).some((part) => part.type === 'input_text'),
      )
        ? copilotError(
            "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'.",
          )
        : undefined,
  },
  {
    // R14: `reasoning.effort: "minimal"`. Wording: OpenAI's.
    id: 'r14',
    paths: [RESPONSES],
    check: ({ body }) =>
      isObject(body.reasoning) && body.reasoning.effort === 'minimal'
        ? copilotError(
            "Unsupported value: 'reasoning.effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', and 'high'.",
          )
        : undefined,
  },
];
