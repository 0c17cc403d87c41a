import { Injectable } from '@nestjs/common';
import { ClientKeyRegistry } from '../auth/client-key.registry';
import type { BodyTap } from '../http/body-tap';
import { EventSplitter } from '../http/sse';

/** Tool call ids kept per key: the most recent ones. */
export const MAX_IDS_PER_KEY = 1024;
/** A non-streamed answer longer than this is not read for ids. */
const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;
/** How deep into an answer ids are looked for (they sit at depth 3 to 5). */
const MAX_DEPTH = 8;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The tool calls the proxy saw come back from upstream, per key, for keys with
 * `initiator: infer`: their turns count as the agent's only when their tool
 * results answer one of these (a client could otherwise make up a tool call and
 * its result to spend no premium request). Read from what the client got — the
 * ids it sends back — by a tap on the answer; no work for any other key.
 */
@Injectable()
export class ToolCallIds {
  private readonly byKey = new Map<string, Set<string>>();

  constructor(private readonly keys: ClientKeyRegistry) {}

  /** Whether the proxy saw upstream call tool `id` for key `key` (not yet answered). */
  knows(key: string, id: string): boolean {
    return this.byKey.get(key)?.has(id) === true;
  }

  /**
   * Whether every one of `ids` is a call the proxy saw upstream make for `key`
   * and not yet answered; if so they are answered now. A call is answered
   * once: its id sent again with a new "result" (a question dressed as a tool
   * result) is the client's own turn.
   */
  answer(key: string, ids: readonly string[]): boolean {
    const known = this.byKey.get(key);
    if (!known || ids.length === 0 || !ids.every((id) => known.has(id)))
      return false;
    for (const id of ids) known.delete(id);
    return true;
  }

  remember(key: string, id: string): void {
    let ids = this.byKey.get(key);
    if (!ids) {
      ids = new Set();
      this.byKey.set(key, ids);
    }
    ids.delete(id);
    ids.add(id);
    if (ids.size > MAX_IDS_PER_KEY) {
      // A Set iterates in insertion order: the first is the oldest.
      ids.delete(ids.values().next().value!);
    }
  }

  /** A tap on a 2xx answer the client gets, for a key with `initiator: infer`; else undefined. */
  tap(
    key: string | undefined,
    status: number,
    streaming: boolean,
  ): BodyTap | undefined {
    if (
      key === undefined ||
      status < 200 ||
      status >= 300 ||
      this.keys.named(key)?.initiator !== 'infer'
    )
      return undefined;
    const found = (json: unknown) => {
      for (const id of toolCallIdsOf(json)) this.remember(key, id);
    };
    if (streaming) {
      const events = new EventSplitter();
      const read = (event: Buffer) => {
        for (const line of event.toString('utf8').split('\n')) {
          if (line.startsWith('data:') && line.includes('id"'))
            found(parsed(line.slice(5)));
        }
      };
      return {
        chunk: (chunk) => events.push(chunk).forEach(read),
        end: () => {
          const rest = events.end();
          if (rest) read(rest);
        },
      };
    }
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    return {
      chunk: (chunk) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) chunks = undefined;
        else chunks?.push(chunk);
      },
      end: () => {
        if (chunks) found(parsed(Buffer.concat(chunks).toString('utf8')));
        chunks = undefined;
      },
    };
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The tool call ids in an answer or stream event of any API: Chat's
 * `tool_calls[].id`, Messages' `tool_use` blocks' `id`, Responses' `call_id`.
 */
export function toolCallIdsOf(node: unknown, depth = 0): string[] {
  const ids: string[] = [];
  const walk = (value: unknown, level: number): void => {
    if (level > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, level + 1);
      return;
    }
    if (!isObject(value)) return;
    if (typeof value.call_id === 'string') ids.push(value.call_id);
    if (
      (value.type === 'tool_use' || value.type === 'server_tool_use') &&
      typeof value.id === 'string'
    )
      ids.push(value.id);
    if (Array.isArray(value.tool_calls)) {
      for (const call of value.tool_calls)
        if (isObject(call) && typeof call.id === 'string') ids.push(call.id);
    }
    for (const child of Object.values(value))
      if (typeof child === 'object' && child !== null) walk(child, level + 1);
  };
  walk(node, depth);
  return ids;
}
