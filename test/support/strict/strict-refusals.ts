import type { IncomingHttpHeaders } from 'node:http';

/** The content type Copilot labels its own JSON errors with (G3). */
export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** A refusal the strict fake sends instead of an answer. */
export interface Refusal {
  status: number;
  /** The body, byte for byte. */
  body: string;
  contentType: string;
}

/** A request body as the rules read it. */
export type Json = Record<string, unknown>;

/** What a rule sees of one request (its body already parsed, its model already checked). */
export interface StrictRequest {
  /** The path without its query: `/v1/messages`, `/chat/completions`, … */
  path: string;
  headers: IncomingHttpHeaders;
  body: Json;
  /** The checked model id (`/models` lists it and serves it on this path). */
  model: string;
}

/**
 * Copilot's own envelope (G4): `{"error":{"message":…,"code":…}}` and a newline,
 * labelled `text/plain; charset=utf-8` (G3). `extra` adds fields after `code`
 * (R1's `param`).
 */
export function copilotError(
  message: string,
  code = 'invalid_request_body',
  extra: Json = {},
  status = 400,
): Refusal {
  return {
    status,
    body: `${JSON.stringify({ error: { message, code, ...extra } })}\n`,
    contentType: TEXT_PLAIN,
  };
}

/** The bare schema error of `/v1/messages` (§3 shape 1): `{"message":…}`, JSON. */
export function bareError(message: string): Refusal {
  return {
    status: 400,
    body: JSON.stringify({ message }),
    contentType: 'application/json',
  };
}

/** The fixed `request_id` of Anthropic-shaped errors (a Vertex-served one, G15). */
export const REQUEST_ID = 'req_vrtx_011CStrictFake000000000000';

/** Anthropic's own error shape (§3 shape 2), JSON. */
export function anthropicError(
  message: string,
  type = 'invalid_request_error',
): Refusal {
  return {
    status: 400,
    body: JSON.stringify({
      type: 'error',
      error: { type, message },
      request_id: REQUEST_ID,
    }),
    contentType: 'application/json',
  };
}

/** `"<field>: Extra inputs are not permitted"`, bare (M2, M6, M7, M15, M16…). */
export const extraInputs = (path: string): Refusal =>
  bareError(`${path}: Extra inputs are not permitted`);

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The objects of an array (anything else: none). */
export const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.filter(isObject) : [];

/** A header's values split on commas, trimmed, empties dropped. */
export function headerList(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A Claude model's version (`claude-opus-4.8` → 4.8, `claude-sonnet-4` → 4), else undefined. */
export function claudeVersion(model: string): number | undefined {
  const match = /^claude-(?:opus|sonnet|haiku)-(\d+)(?:[.-](\d))?/.exec(model);
  if (!match) return undefined;
  return Number(match[1]) + Number(match[2] ?? 0) / 10;
}
