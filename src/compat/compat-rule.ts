import type { OutgoingHttpHeaders } from 'node:http';
import type { JsonPath } from './json-edits';

/** The upstream API a request goes to (after the bridge), as the rules see it. */
export type CompatApi = 'chat' | 'responses' | 'messages' | 'count_tokens';

/** What a rule reads: the request as it will go upstream. Never mutate it. */
export interface CompatRequest {
  api: CompatApi;
  /** The model id sent upstream (resolved by the bridge), when known. */
  model: string | undefined;
  /** The body as parsed JSON, when the body was read and is a JSON object. */
  body: Record<string, unknown> | undefined;
  /** The headers that will go upstream (read-only; edit through `CompatEdit`). */
  headers: Readonly<OutgoingHttpHeaders>;
  /** The body was written by the bridge (a translated call), not the client. */
  translated: boolean;
}

/** The smallest edits a rule may make: by path on the body's bytes, by name on headers. */
export interface CompatEdit {
  /** Sets the body's value at `path` (added last in its object when absent). */
  set(path: JsonPath, value: unknown): void;
  /** Removes the body's member or element at `path`. */
  remove(path: JsonPath): void;
  /** Sets an upstream header (replacing any spelling of the same name). */
  setHeader(name: string, value: string): void;
  /** Removes an upstream header. */
  deleteHeader(name: string): void;
}

/**
 * One thing the real Copilot refuses, and the smallest edit that lets it accept
 * the request (SPEC §13, `COPILOT-QUIRKS.md`). A rule lives in its own file under
 * `rules/`, with a doc comment giving the evidence, and a spec beside it.
 */
export interface CompatRule {
  /** The catalogue id, lower-case (`r1`, `m2`): what `COMPAT_RULES` switches. */
  id: string;
  /** What the `X-Copilot-Adjusted` header and the metric call it (ASCII, short). */
  name: string;
  /** The upstream APIs it applies to. */
  apis: readonly CompatApi[];
  /** Off unless `COMPAT_RULES` turns it on (`+id`): contradictory in the catalogue. */
  offByDefault?: boolean;
  /**
   * Makes its edits through `edit`; returns true when it changed something
   * (only then is it named). It may throw a `ProxyError` to refuse the request
   * locally, when no edit can make Copilot accept it.
   */
  apply(request: CompatRequest, edit: CompatEdit): boolean;
}
