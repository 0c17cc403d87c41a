import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One request of a recorded client session (`test/fixtures/client-shapes/*.json`). */
export interface RecordedShape {
  method: string;
  url: string;
  headersAsReceivedByUpstream: Record<string, unknown>;
  bodyBytes: number;
  body?: unknown;
}

/** A request to replay: what the client sent, rebuilt from its recorded shape. */
export interface Replay {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const SHAPES = join(__dirname, '..', 'fixtures', 'client-shapes');

/** Headers the proxy of the recording added or the transport set: not the client's. */
const NOT_THE_CLIENTS = new Set([
  'editor-version',
  'editor-plugin-version',
  'copilot-integration-id',
  'x-request-id',
  'content-length',
  'x-initiator',
  'authorization',
  'host',
  'connection',
  'accept-encoding',
]);

export function loadShapes(name: string): RecordedShape[] {
  return JSON.parse(
    readFileSync(join(SHAPES, `${name}.json`), 'utf8'),
  ) as RecordedShape[];
}

/**
 * The request a client sent, from its recorded shape: the client's own headers
 * (objects such as `x-codex-turn-metadata` as the JSON text they were), and the
 * body with every `<string N chars>` made a text of N characters and every tool
 * summary (`Bash`, `function:exec_command`, `namespace:multi_agent_v1`) made a
 * declaration of that tool.
 */
export function replayOf(
  shape: RecordedShape,
  overrides: { model?: string } = {},
): Replay {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(
    shape.headersAsReceivedByUpstream,
  )) {
    if (NOT_THE_CLIENTS.has(name.toLowerCase())) continue;
    headers[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (shape.body === undefined)
    return { method: shape.method, url: shape.url, headers };
  const body = rebuild(shape.body, '') as Record<string, unknown>;
  const anthropic = shape.url.startsWith('/v1/messages');
  if (Array.isArray(body.tools)) {
    body.tools = body.tools.map((tool) =>
      typeof tool === 'string' ? declaration(tool, anthropic) : tool,
    );
  }
  if (overrides.model) body.model = overrides.model;
  return {
    method: shape.method,
    url: shape.url,
    headers,
    body: JSON.stringify(body),
  };
}

const PLACEHOLDER = /^<string (\d+) chars>$/;

function rebuild(value: unknown, key: string): unknown {
  if (typeof value === 'string') {
    const match = PLACEHOLDER.exec(value);
    if (match) return 'x'.repeat(Number(match[1]));
    if (/^<(id|uuid|hex|ids)>$/.test(value))
      return `${key || 'id'}_0123456789abcdef`;
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => rebuild(item, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, rebuild(v, k)]),
    );
  }
  return value;
}

const SCHEMA = {
  type: 'object',
  properties: { command: { type: 'string' } },
};

function declaration(summary: string, anthropic: boolean): unknown {
  if (anthropic)
    return {
      name: summary,
      description: `The ${summary} tool`,
      input_schema: SCHEMA,
    };
  const [kind, name] = summary.split(':');
  if (kind === 'namespace')
    return {
      type: 'namespace',
      name,
      description: `The ${name} tools`,
      tools: [{ type: 'function', name: 'spawn_agent', parameters: SCHEMA }],
    };
  return {
    type: 'function',
    name,
    description: `The ${name} tool`,
    parameters: SCHEMA,
    strict: false,
  };
}
