/** A tool call the fake's answer makes: the tool's name and its arguments as JSON text. */
export interface PlannedCall {
  name: string;
  /** JSON text; `''` for the empty-arguments call. */
  arguments: string;
}

/** What an inference answer says, whatever the API it is written in. */
export interface Plan {
  /** Text before any tool call; undefined: the route's usual text (and no calls). */
  text?: string;
  calls: PlannedCall[];
}

/** The arguments of every tool call the fake makes (but `USE_TOOL_EMPTY`'s). */
export const TOOL_ARGUMENTS = '{"command":"echo hi"}';

/** The text `USE_TOOL_AND_TEXT` answers before its call. */
export const TEXT_BEFORE_CALL = 'Let me run that.';

/** `USE_TOOL`, `USE_TOOLS`, `USE_TOOL_EMPTY` or `USE_TOOL_AND_TEXT`, as a whole word. */
const MARKER = /USE_TOOL(S|_EMPTY|_AND_TEXT)?(?![A-Za-z0-9_])/;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : [];

/** The text of a content value: a string, or the `text` of each part of an array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** The items at the end of `items` that pass `test`, in order. */
function trailing(items: Json[], test: (item: Json) => boolean): Json[] {
  let start = items.length;
  while (start > 0 && test(items[start - 1])) start--;
  return items.slice(start);
}

const strings = (values: unknown[]): string[] =>
  values.filter((v): v is string => typeof v === 'string' && v !== '');

/**
 * The answer to a conversation: `Tool said: <result>` (results joined by ` | `)
 * when its last turn is tool results; else, when tools are declared and the last
 * user text holds a marker, `USE_TOOL` one call of the first tool, `USE_TOOLS` two
 * (the first two tools, or the first twice), `USE_TOOL_EMPTY` one call with empty
 * arguments, `USE_TOOL_AND_TEXT` {@link TEXT_BEFORE_CALL} then one call; else the
 * route's usual text.
 */
function plan(
  results: string[] | undefined,
  lastUserText: string,
  tools: string[],
): Plan {
  if (results) return { text: `Tool said: ${results.join(' | ')}`, calls: [] };
  const marker = tools.length > 0 ? MARKER.exec(lastUserText) : null;
  if (!marker) return { calls: [] };
  const call = (name: string, args = TOOL_ARGUMENTS): PlannedCall => ({
    name,
    arguments: args,
  });
  switch (marker[1]) {
    case 'S':
      return { calls: [call(tools[0]), call(tools[1] ?? tools[0])] };
    case '_EMPTY':
      return { calls: [call(tools[0], '')] };
    case '_AND_TEXT':
      return { text: TEXT_BEFORE_CALL, calls: [call(tools[0])] };
    default:
      return { calls: [call(tools[0])] };
  }
}

/** Chat: `tool` messages at the end are results; tools are `tools[].function.name`. */
export function chatPlan(body: Json): Plan {
  const messages = list(body.messages);
  const results = trailing(messages, (m) => m.role === 'tool');
  const user = messages.filter((m) => m.role === 'user').at(-1);
  const tools = strings(
    list(body.tools).map((t) => (isObject(t.function) ? t.function.name : '')),
  );
  return plan(
    results.length > 0 ? results.map((m) => textOf(m.content)) : undefined,
    textOf(user?.content),
    tools,
  );
}

/** Messages: `tool_result` blocks in the last user message are results; tools are `tools[].name`. */
export function messagesPlan(body: Json): Plan {
  const messages = list(body.messages);
  const last = messages.at(-1);
  const results =
    last?.role === 'user'
      ? list(last.content).filter((b) => b.type === 'tool_result')
      : [];
  const user = messages.filter((m) => m.role === 'user').at(-1);
  return plan(
    results.length > 0 ? results.map((b) => textOf(b.content)) : undefined,
    textOf(user?.content),
    strings(list(body.tools).map((t) => t.name)),
  );
}

/**
 * Responses: `function_call_output` items at the end of `input` are results; a
 * string `input` is the user's text; tools are `tools[].name` of `type: function`.
 */
export function responsesPlan(body: Json): Plan {
  const tools = strings(
    list(body.tools)
      .filter((t) => t.type === 'function')
      .map((t) => t.name),
  );
  if (typeof body.input === 'string') return plan(undefined, body.input, tools);
  const items = list(body.input);
  const results = trailing(items, (i) => i.type === 'function_call_output');
  const user = items.filter((i) => i.role === 'user').at(-1);
  return plan(
    results.length > 0 ? results.map((i) => textOf(i.output)) : undefined,
    textOf(user?.content),
    tools,
  );
}
