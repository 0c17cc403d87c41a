import { isObject, Json, list } from './strict-refusals';

/**
 * Where reasoning travels: a Messages `thinking.signature` (or `redacted_thinking.data`),
 * a Chat `reasoning_opaque`, a Responses reasoning item's `encrypted_content`.
 */
export type ReasoningKind =
  'signature' | 'reasoning_opaque' | 'encrypted_content';

/** A piece of reasoning the fake gave out in an answer. */
export interface IssuedReasoning {
  kind: ReasoningKind;
  value: string;
  /** The reasoning text it went with (`''` when the display was omitted). */
  text: string;
  /** The path answered. */
  path: string;
  /** The index in `FakeCopilotApi.requests` of the request answered (-1 when not recorded). */
  request: number;
}

/** A piece of reasoning a request sent back (in its history). */
export interface ReturnedReasoning {
  kind: ReasoningKind;
  value: string;
  path: string;
  /** The index in `FakeCopilotApi.requests` of the request that sent it back. */
  request: number;
  /** What the fake issued with this exact value, if it did. */
  issued?: IssuedReasoning;
}

/**
 * Every piece of reasoning the strict fake issued and every piece sent back to it, so
 * that a test can assert "turn 1's reasoning arrived upstream on turn 2", byte for
 * byte: `ledger.arrivedFrom(turn1Index)`.
 */
export class ReasoningLedger {
  readonly issued: IssuedReasoning[] = [];
  readonly returned: ReturnedReasoning[] = [];
  private readonly byValue = new Map<string, IssuedReasoning>();

  /** Notes `value` as given out and returns it. */
  issue(entry: IssuedReasoning): string {
    this.issued.push(entry);
    this.byValue.set(entry.value, entry);
    return entry.value;
  }

  /** What the fake issued with this value, if it did. */
  find(value: unknown): IssuedReasoning | undefined {
    return typeof value === 'string' ? this.byValue.get(value) : undefined;
  }

  /** The reasoning issued on request `request` that some later request sent back. */
  arrivedFrom(request: number): ReturnedReasoning[] {
    return this.returned.filter((r) => r.issued?.request === request);
  }

  /** What request `request` sent back. */
  returnedOn(request: number): ReturnedReasoning[] {
    return this.returned.filter((r) => r.request === request);
  }

  /** Notes every piece of reasoning in a request's history (the routes call it). */
  collect(path: string, body: Json, request: number): void {
    const note = (kind: ReasoningKind, value: unknown): void => {
      if (typeof value !== 'string') return;
      this.returned.push({
        kind,
        value,
        path,
        request,
        issued: this.byValue.get(value),
      });
    };
    if (path === '/v1/messages') {
      for (const message of list(body.messages)) {
        if (message.role !== 'assistant') continue;
        for (const block of list(message.content)) {
          if (block.type === 'thinking') note('signature', block.signature);
          if (block.type === 'redacted_thinking') note('signature', block.data);
        }
      }
    } else if (path === '/chat/completions') {
      for (const message of list(body.messages))
        if (message.role === 'assistant')
          note('reasoning_opaque', message.reasoning_opaque);
    } else if (path === '/responses' && Array.isArray(body.input)) {
      for (const item of body.input)
        if (isObject(item) && item.type === 'reasoning')
          note('encrypted_content', item.encrypted_content);
    }
  }
}
