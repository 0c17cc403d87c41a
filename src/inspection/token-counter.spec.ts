import { Tiktoken } from 'js-tiktoken/lite';
import { countTokens } from './token-counter';

type Ranks = ConstructorParameters<typeof Tiktoken>[0];
// The CommonJS build (what Jest loads) exports the ranks themselves, the ES
// build as `default`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ranks = require('js-tiktoken/ranks/o200k_base') as
  Ranks | { default: Ranks };
const o200k = new Tiktoken('default' in ranks ? ranks.default : ranks);
const tokens = (text: string): number => o200k.encode(text).length;

const SYSTEM =
  "You are Claude Code, Anthropic's official CLI for Claude. Use the tools to help the user with software engineering tasks.";
const QUESTION = 'Why does `npm test` fail on the CI runner but not locally?';

const bashTool = {
  name: 'Bash',
  description: 'Executes a bash command in a persistent shell session.',
  input_schema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'The command to execute' },
      timeout: { type: 'number', description: 'Timeout in milliseconds' },
    },
    required: ['command'],
  },
};
const readTool = {
  name: 'Read',
  description: 'Reads a file from the local filesystem.',
  input_schema: {
    type: 'object',
    properties: { file_path: { type: 'string' } },
    required: ['file_path'],
  },
};

const userText = (text: string) => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
const toolUse = (input: unknown, name = 'Bash') => ({
  role: 'assistant',
  content: [{ type: 'tool_use', id: 'toolu_01A', name, input }],
});
const toolResult = (content: unknown) => ({
  role: 'user',
  content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content }],
});

describe('countTokens', () => {
  describe('a known text', () => {
    it('counts a system prompt exactly as o200k_base does', () => {
      expect(countTokens({ system: 'Hello, world!' })).toBe(
        tokens('Hello, world!'),
      );
      // o200k_base: "Hello" "," " world" "!"
      expect(countTokens({ system: 'Hello, world!' })).toBe(4);
    });

    it.each([
      SYSTEM,
      QUESTION,
      'tiktoken is great!',
      'héllo wörld — ünïcode ✓',
    ])('counts %p as o200k_base does', (text) => {
      expect(countTokens({ system: text })).toBe(tokens(text));
    });

    it('gives the same count each time', () => {
      const body = {
        model: 'claude-sonnet-4',
        system: SYSTEM,
        messages: [userText(QUESTION)],
        tools: [bashTool],
      };
      const first = countTokens(body);
      expect(first).toBeGreaterThan(tokens(SYSTEM) + tokens(QUESTION));
      expect(countTokens(body)).toBe(first);
      expect(countTokens(JSON.parse(JSON.stringify(body)))).toBe(first);
    });

    it('adds the same framing to each message, whatever its text', () => {
      const framing = (text: string) =>
        countTokens({ messages: [{ role: 'user', content: text }] }) -
        tokens(text);
      expect(framing(QUESTION)).toBe(framing('Hi'));
      expect(framing(QUESTION)).toBe(framing(SYSTEM));
      // Every message costs something beyond its text, as the API frames it.
      expect(framing(QUESTION)).toBeGreaterThan(0);
    });
  });

  describe('counts grow with text', () => {
    it('grows with a longer message', () => {
      const short = countTokens({ messages: [userText('Fix the bug.')] });
      const long = countTokens({
        messages: [userText(`Fix the bug. ${QUESTION} ${SYSTEM}`)],
      });
      expect(long).toBeGreaterThan(short);
    });

    it('grows with the number of messages', () => {
      const one = countTokens({ messages: [userText(QUESTION)] });
      const two = countTokens({
        messages: [
          userText(QUESTION),
          { role: 'assistant', content: 'Let me look.' },
        ],
      });
      const three = countTokens({
        messages: [
          userText(QUESTION),
          { role: 'assistant', content: 'Let me look.' },
          userText('Please hurry.'),
        ],
      });
      expect(two).toBeGreaterThan(one);
      expect(three).toBeGreaterThan(two);
    });

    it('grows roughly in proportion to repeated text', () => {
      const once = countTokens({ system: SYSTEM });
      const tenTimes = countTokens({
        system: Array(10).fill(SYSTEM).join(' '),
      });
      expect(tenTimes).toBeGreaterThan(8 * once);
      expect(tenTimes).toBeLessThan(12 * once);
    });
  });

  describe('every part counts', () => {
    const base = { messages: [userText(QUESTION)] };

    it('counts a system prompt given as a string', () => {
      expect(countTokens({ ...base, system: SYSTEM })).toBe(
        countTokens(base) + tokens(SYSTEM),
      );
    });

    it('counts a system prompt given as text blocks', () => {
      const system = [
        { type: 'text', text: SYSTEM },
        {
          type: 'text',
          text: 'Working directory: /home/me/project',
          cache_control: { type: 'ephemeral' },
        },
      ];
      expect(countTokens({ ...base, system })).toBe(
        countTokens(base) +
          tokens(SYSTEM) +
          tokens('Working directory: /home/me/project'),
      );
    });

    it('counts a user message given as a plain string', () => {
      const asString = countTokens({
        messages: [{ role: 'user', content: QUESTION }],
      });
      expect(asString).toBe(countTokens(base));
      expect(asString).toBeGreaterThanOrEqual(tokens(QUESTION));
    });

    it('counts every text block of a message', () => {
      const extra = '<system-reminder>Today is Monday.</system-reminder>';
      const twoBlocks = {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: extra },
              { type: 'text', text: QUESTION },
            ],
          },
        ],
      };
      expect(countTokens(twoBlocks)).toBe(countTokens(base) + tokens(extra));
    });

    it('counts assistant text', () => {
      const answer = 'The CI runner uses Node 18, which lacks fetch.';
      const withAnswer = countTokens({
        messages: [
          userText(QUESTION),
          { role: 'assistant', content: [{ type: 'text', text: answer }] },
        ],
      });
      const withEmptyAnswer = countTokens({
        messages: [
          userText(QUESTION),
          { role: 'assistant', content: [{ type: 'text', text: '' }] },
        ],
      });
      expect(withAnswer - withEmptyAnswer).toBe(tokens(answer));
    });

    it('counts a tool_use input', () => {
      const empty = countTokens({
        messages: [userText(QUESTION), toolUse({})],
      });
      const small = countTokens({
        messages: [userText(QUESTION), toolUse({ command: 'ls' })],
      });
      const large = countTokens({
        messages: [
          userText(QUESTION),
          toolUse({
            command:
              'npm ci && npm run build && npm test -- --runInBand --verbose',
            timeout: 120000,
          }),
        ],
      });
      expect(small).toBeGreaterThan(empty);
      expect(large).toBeGreaterThan(small);
    });

    it('counts a tool_use name', () => {
      const short = countTokens({ messages: [toolUse({}, 'Bash')] });
      const long = countTokens({
        messages: [toolUse({}, 'mcp__github__create_pull_request_review')],
      });
      expect(long).toBeGreaterThan(short);
    });

    it('counts a tool_result given as a string', () => {
      const output = 'FAIL src/app.spec.ts\n  ● fetch is not defined';
      const withOutput = countTokens({
        messages: [userText(QUESTION), toolUse({}), toolResult(output)],
      });
      const withoutOutput = countTokens({
        messages: [userText(QUESTION), toolUse({}), toolResult('')],
      });
      expect(withOutput - withoutOutput).toBe(tokens(output));
    });

    it('counts a tool_result given as text blocks', () => {
      const first = 'README.md\npackage.json';
      const second = 'src\ntest';
      const withOutput = countTokens({
        messages: [
          toolUse({}),
          toolResult([
            { type: 'text', text: first },
            { type: 'text', text: second },
          ]),
        ],
      });
      const withoutOutput = countTokens({
        messages: [toolUse({}), toolResult([])],
      });
      expect(withOutput - withoutOutput).toBe(tokens(first) + tokens(second));
    });

    it('counts tool definitions', () => {
      const none = countTokens(base);
      const one = countTokens({ ...base, tools: [bashTool] });
      const two = countTokens({ ...base, tools: [bashTool, readTool] });
      expect(one).toBeGreaterThan(none);
      expect(two).toBeGreaterThan(one);
      // A definition is at least as many tokens as its description.
      expect(one - none).toBeGreaterThan(tokens(bashTool.description));
    });

    it('counts a whole Claude Code turn as the sum of its parts', () => {
      const body = {
        model: 'claude-sonnet-4',
        max_tokens: 32000,
        system: [{ type: 'text', text: SYSTEM }],
        tools: [bashTool, readTool],
        messages: [
          userText(QUESTION),
          toolUse({ command: 'node --version' }),
          toolResult('v18.19.0'),
        ],
      };
      const withoutSystem = countTokens({ ...body, system: undefined });
      const withoutTools = countTokens({ ...body, tools: undefined });
      const count = countTokens(body);
      expect(count - withoutSystem).toBe(tokens(SYSTEM));
      expect(count).toBeGreaterThan(withoutTools);
      expect(count).toBeGreaterThan(
        tokens(SYSTEM) + tokens(QUESTION) + tokens('v18.19.0'),
      );
    });
  });

  describe('what is not counted', () => {
    it.each([null, undefined, 'a string', 42, true, [{ role: 'user' }]])(
      'gives 0 for a body that is not an object (%p)',
      (body) => {
        expect(countTokens(body)).toBe(0);
      },
    );

    it('gives 0 for an empty object', () => {
      expect(countTokens({})).toBe(0);
    });

    it('does not count the model or other settings', () => {
      expect(
        countTokens({
          model: 'claude-sonnet-4-20250514',
          max_tokens: 32000,
          temperature: 1,
          system: 'Hi',
        }),
      ).toBe(tokens('Hi'));
    });

    it('does not count an image', () => {
      const withImage = countTokens({
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'image',
                source: {
                  type: 'base64',
                  media_type: 'image/png',
                  data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ',
                },
              },
              { type: 'text', text: QUESTION },
            ],
          },
        ],
      });
      expect(withImage).toBe(countTokens({ messages: [userText(QUESTION)] }));
    });
  });
});
