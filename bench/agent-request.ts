/**
 * An agent-shaped OpenAI chat completion request: a system prompt, tool definitions,
 * then a coding session of tool calls and their results (a few KB each) with the
 * user stepping in now and then, ending with a `tool` message, as an agent sends it
 * on every round trip of its tool loop.
 */

const ROUNDS = 40;
const USER_EVERY = 4;
const TOOLS = ['read_file', 'grep', 'run_tests'] as const;

/** The conversation as a JSON body of about `targetBytes` bytes. */
export function agentRequestBody(targetBytes = 200_000): string {
  const skeleton = JSON.stringify(conversation(() => ''));
  const budget = Math.max(0, (targetBytes - skeleton.length) / ROUNDS);
  return JSON.stringify(conversation((round) => toolOutput(round, budget)));
}

function conversation(result: (round: number) => string): object {
  const messages: object[] = [{ role: 'system', content: SYSTEM_PROMPT }];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % USER_EVERY === 0) {
      messages.push({
        role: 'user',
        content: `Step ${round / USER_EVERY + 1}: the handler in src/module${round}/service.ts drops the "retry-after" header on 429s. Find why, fix it and run the tests again.`,
      });
    }
    const tool = TOOLS[round % TOOLS.length];
    const id = `call_${round.toString(36).padStart(4, '0')}Xk9Qw2`;
    messages.push({
      role: 'assistant',
      content: round % 2 ? null : `Looking at module ${round} first.`,
      tool_calls: [
        {
          id,
          type: 'function',
          function: { name: tool, arguments: toolArguments(tool, round) },
        },
      ],
    });
    messages.push({ role: 'tool', tool_call_id: id, content: result(round) });
  }
  return {
    model: 'gpt-4o',
    temperature: 0.1,
    tools: TOOLS.map((name) => ({
      type: 'function',
      function: {
        name,
        description: `The ${name.replace('_', ' ')} tool of the workspace.`,
        parameters: {
          type: 'object',
          properties: {
            path: { type: 'string', description: 'A path in the workspace' },
            pattern: { type: 'string', description: 'A regular expression' },
          },
          required: ['path'],
        },
      },
    })),
    messages,
  };
}

function toolArguments(tool: string, round: number): string {
  if (tool === 'grep')
    return JSON.stringify({
      path: 'src',
      pattern: `retry-?after|status ${round}`,
    });
  if (tool === 'run_tests')
    return JSON.stringify({ path: `test/module${round}.spec.ts` });
  return JSON.stringify({ path: `src/module${round}/service.ts` });
}

/** Source-like lines (quotes, tabs, newlines to escape) within `budget` JSON bytes. */
function toolOutput(round: number, budget: number): string {
  const lines: string[] = [];
  let size = 2; // the quotes around the string
  for (let line = 1; ; line++) {
    const text = `${line}\texport async function handle${round}_${line}(req: Request): Promise<Response> { const res = await fetch("https://api.example/v${line % 3}", { headers: { 'retry-after': "${line}" } }); return res; }`;
    // Encoded, its quotes stand for the "\n" that joins it to the previous line.
    const encoded = JSON.stringify(text).length;
    if (size + encoded > budget) {
      // The last line, cut to fill the budget.
      let cut = Math.max(0, budget - size - 2);
      while (
        cut > 0 &&
        JSON.stringify(text.slice(0, cut)).length > budget - size
      )
        cut--;
      if (cut > 0) lines.push(text.slice(0, cut));
      return lines.join('\n');
    }
    lines.push(text);
    size += encoded;
  }
}

const SYSTEM_PROMPT = [
  "You are a coding agent working in a TypeScript repository on the user's machine.",
  "Use the tools to read files, search the code and run the tests; never guess a file's content.",
  'Make the smallest change that fixes the problem, keep the existing style, and explain each change in one sentence.',
  'When a tool fails, read its output, fix the cause and try again; stop after three failed attempts and ask the user.',
  ...Array.from(
    { length: 30 },
    (_, i) =>
      `Rule ${i + 1}: follow the repository's conventions for ${['naming', 'errors', 'tests', 'logging', 'imports'][i % 5]}, as written in CONTRIBUTING.md section ${i + 1}.`,
  ),
].join('\n');
