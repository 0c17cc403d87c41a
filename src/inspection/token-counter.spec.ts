import { Tiktoken } from 'js-tiktoken/lite';
import type { BpeEncoder } from './o200k-encoder';
import { countTokens } from './token-counter';

type Ranks = ConstructorParameters<typeof Tiktoken>[0];
// The CommonJS build (what Jest loads) exports the ranks themselves, the ES
// build as `default`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ranks = require('js-tiktoken/ranks/o200k_base') as
  Ranks | { default: Ranks };
const o200k = new Tiktoken('default' in ranks ? ranks.default : ranks);
const tokens = (text: string): number => o200k.encode(text).length;
const ranksPattern = ('default' in ranks ? ranks.default : ranks).pat_str;

const SYSTEM =
  "You are Claude Code, Anthropic's official CLI for Claude. Use the tools to help the user with software engineering tasks.";
const QUESTION = 'Why does `npm test` fail on the CI runner but not locally?';

// Ordinary text of the kinds a coding agent sends.
const ENGLISH = [
  'The proxy sits between any HTTP client and the GitHub Copilot API. It takes a request in the shape the client speaks, checks the caller, adds the headers Copilot expects, and streams the answer back as it arrives.',
  "When a client asks how many tokens a conversation holds and the upstream has no such endpoint, the proxy answers itself: it reads the body it kept, walks the system prompt, the messages and the tool definitions, and runs their text through a byte-pair tokenizer. The figure is an estimate, and the response says so in a header; Claude's own tokenizer is not public, so any local count lands within some percent of the real one.",
  'Counting must never hold up other clients. A single request is bounded however it is written, so a liveness probe keeps answering while someone pastes a megabyte of log output, a minified bundle or a page of text without a single space.',
].join('\n\n');

const CODE = `import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

/** Answers a request from the cache when it opted in and an entry is fresh. */
@Injectable()
export class ResponseCache {
  private readonly entries = new Map<string, { body: Buffer; expires: number }>();

  constructor(private readonly maxEntries = 1000) {}

  lookup(key: string, now = Date.now()): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.body;
  }

  store(key: string, body: Buffer, maxAgeSeconds: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { body, expires: Date.now() + maxAgeSeconds * 1000 });
  }

  send(res: ServerResponse, body: Buffer): void {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': body.length,
      'x-cache': 'HIT',
    });
    res.end(body);
  }
}
`;

const TOOL_SCHEMAS = JSON.stringify([
  {
    name: 'Bash',
    description:
      'Executes a given bash command in a persistent shell session with optional timeout, ensuring proper handling and security measures.',
    input_schema: {
      type: 'object',
      properties: {
        command: { type: 'string', description: 'The command to execute' },
        timeout: {
          type: 'number',
          description: 'Optional timeout in milliseconds (max 600000)',
        },
        description: {
          type: 'string',
          description:
            'Clear, concise description of what this command does in 5-10 words',
        },
      },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Edit',
    description:
      'Performs exact string replacements in files. The edit will fail if old_string is not unique in the file.',
    input_schema: {
      type: 'object',
      properties: {
        file_path: {
          type: 'string',
          description: 'The absolute path to the file to modify',
        },
        old_string: { type: 'string', description: 'The text to replace' },
        new_string: {
          type: 'string',
          description: 'The text to replace it with (must be different)',
        },
        replace_all: {
          type: 'boolean',
          default: false,
          description: 'Replace all occurences of old_string (default false)',
        },
      },
      required: ['file_path', 'old_string', 'new_string'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
]);

const CHINESE =
  '代理服务器在收到请求之后，会先检查请求头和请求体，然后再转发给上游接口。如果上游没有提供计数接口，代理会在本地估算令牌数量，并在响应头中注明这是一个估算值。为了避免单个请求占用过多的处理时间，计数过程对每一段连续文字的长度都设有上限；超过上限的部分会被切成较短的片段分别计算。对于特别大的请求体，代理只精确计算前面的一部分，其余部分按照已计算部分每个字节的平均令牌数推算。这样，即使有人故意发送很长的无空格文本，其他客户端的请求也不会被阻塞，健康检查也能按时返回。';

const JAPANESE =
  'このプロキシは、GitHub Copilot のサブスクリプションを使って、どの HTTP クライアントからでもモデルを呼び出せるようにするゲートウェイです。上流にトークン数を数えるエンドポイントがない場合は、受け取ったリクエスト本文からローカルで件数を見積もり、その値が推定であることをヘッダーで示します。区切りのない長い文字列が送られてきても、一度に処理する長さには上限があるため、ほかの利用者への応答が止まることはありません。大きすぎる本文については、先頭の一部だけを正確に数え、残りは数えた部分のバイトあたりのトークン数から推定します。';

const KOREAN =
  '프록시는 요청 본문을 한 번 읽고, 상위 서버에 토큰 계산 엔드포인트가 없으면 직접 토큰 수를 추정합니다. 띄어쓰기 없이 긴 글이 들어와도 한 번에 처리하는 길이에 상한이 있어서 다른 요청이 멈추지 않습니다.';

/** What a tool result of a documentation search looks like: padded table cells, rulers. */
const MARKDOWN_TOOL_OUTPUT = [
  '## Configuration',
  '',
  `| Variable${' '.repeat(90)}| Default${' '.repeat(70)}|`,
  `|${'-'.repeat(99)}|${'-'.repeat(78)}|`,
  `| INSPECT_MAX_BYTES${' '.repeat(81)}| 33554432${' '.repeat(69)}|`,
  `| RATE_LIMIT_MAX${' '.repeat(84)}| 600${' '.repeat(74)}|`,
  '',
  '='.repeat(100),
  '',
  ENGLISH,
].join('\n');

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

  describe('ordinary text', () => {
    it.each([
      ['English prose', ENGLISH],
      ['TypeScript', CODE],
      ['JSON tool schemas', TOOL_SCHEMAS],
      ['Chinese prose', CHINESE],
      ['Japanese prose', JAPANESE],
      ['Korean prose', KOREAN],
    ])('counts %s exactly as o200k_base does', (_kind, text) => {
      expect(countTokens({ system: text })).toBe(tokens(text));
      expect(countTokens({ messages: [{ role: 'user', content: text }] })).toBe(
        countTokens({ messages: [userText('')] }) + tokens(text),
      );
    });

    it('counts a conversation with padded tables and rulers within 1% of o200k_base', () => {
      const body = {
        system: [{ type: 'text', text: ENGLISH }],
        tools: JSON.parse(TOOL_SCHEMAS) as unknown,
        messages: [
          userText(`${QUESTION}\n\n${CHINESE}`),
          toolUse({ command: 'cat docs/configuration.md' }),
          toolResult(MARKDOWN_TOOL_OUTPUT),
          { role: 'assistant', content: [{ type: 'text', text: CODE }] },
          userText(JAPANESE),
        ],
      };
      const exact =
        5 * 3 +
        tokens(ENGLISH) +
        tokens(`${QUESTION}\n\n${CHINESE}`) +
        tokens('Bash') +
        tokens(JSON.stringify({ command: 'cat docs/configuration.md' })) +
        tokens(MARKDOWN_TOOL_OUTPUT) +
        tokens(CODE) +
        tokens(JAPANESE) +
        tokens(TOOL_SCHEMAS);
      const count = countTokens(body);
      expect(Math.abs(count / exact - 1)).toBeLessThan(0.01);
    });

    it('counts special-token markers as the text they are', () => {
      const text = 'Documents end with <|endoftext|>, and <|fim_prefix|> too.';
      expect(() => tokens(text)).toThrow();
      expect(countTokens({ system: text })).toBe(
        o200k.encode(text, [], []).length,
      );
    });
  });

  describe('adversarial text', () => {
    it('counts 10 KB of one letter as o200k_base does', () => {
      const run = 'a'.repeat(10_000);
      // The exact count, from a run short enough to encode whole in a test.
      expect(countTokens({ system: run })).toBe(10 * tokens('a'.repeat(1000)));
    });

    it('counts with the encoder and the limits it is given', () => {
      const seen: string[] = [];
      const encoder: BpeEncoder = {
        pattern: ranksPattern,
        count: (text) => {
          seen.push(text);
          return tokens(text);
        },
      };
      const count = countTokens(
        { system: 'Hi', messages: [userText('a'.repeat(20))] },
        encoder,
        { maxPiece: 8, budget: Infinity },
      );
      expect(seen).toEqual(['Hi', 'aaaaaaaa', 'aaaaaaaa', 'aaaa']);
      expect(count).toBe(3 + tokens('Hi') + tokens('a'.repeat(20)));
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
