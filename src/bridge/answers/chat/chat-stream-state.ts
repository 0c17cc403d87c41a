/** What the Chat stream reader keeps between chunks. */

export type OpenBlock =
  { kind: 'text' | 'reasoning'; id: string } | { kind: 'call'; index: number };

export type Deferred =
  | { kind: 'text'; text: string }
  | { kind: 'reasoning'; text: string; signature?: string }
  | { kind: 'call'; index: number };

export interface CallState {
  id?: string;
  name?: string;
  args: string;
  started: boolean;
}
