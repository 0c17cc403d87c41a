import type { ServerResponse } from 'node:http';

/** What the proxy adds to a request's log line once the answer is known. */
export interface RequestLogFields {
  upstreamStatus?: number;
  bytes?: number;
  outcome?: string;
  /** Why a request failed, in words safe to log (no tokens, no bodies). */
  detail?: string;
}

const FIELDS = Symbol('request-log-fields');

type WithFields = ServerResponse & { [FIELDS]?: RequestLogFields };

export function setRequestLogFields(
  res: ServerResponse,
  fields: RequestLogFields,
): void {
  const target = res as WithFields;
  target[FIELDS] = { ...target[FIELDS], ...fields };
}

export function getRequestLogFields(
  res: ServerResponse,
): RequestLogFields | undefined {
  return (res as WithFields)[FIELDS];
}
