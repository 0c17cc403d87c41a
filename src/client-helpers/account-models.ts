/** The fields of a `/models` entry the client helpers read. */
export interface ModelEntry {
  id: string;
  vendor?: string;
  supported_endpoints?: string[];
  capabilities?: { type?: string };
  policy?: { state?: string };
}

/** The chat models of an account: usable now, and listed but not enabled. */
export interface AccountModels {
  usable: ModelEntry[];
  notEnabled: ModelEntry[];
}

/**
 * Ids the helpers can print: printable ASCII without spaces. Anything else (a
 * newline, a quote trick) would not be a model anyone can pick, and must never
 * reach a shell or a config file.
 */
const PRINTABLE_ID = /^[\x21-\x7e]{1,200}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The entries of a `/models` answer's `data` that have a printable string id. */
export function modelEntries(data: unknown[]): ModelEntry[] {
  return data.filter(
    (m): m is ModelEntry =>
      isObject(m) && typeof m.id === 'string' && PRINTABLE_ID.test(m.id),
  );
}

/**
 * Splits the chat models (`capabilities.type` `chat` or absent: no embeddings or
 * completion models) into those the account can call and those whose `policy.state`
 * is not `enabled` (Copilot lists models a user or an organisation has not turned
 * on; calling them fails). No `policy` means usable.
 */
export function chatModels(models: ModelEntry[]): AccountModels {
  const chat = models.filter(
    (m) => (m.capabilities?.type ?? 'chat') === 'chat',
  );
  const enabled = (m: ModelEntry) =>
    m.policy?.state === undefined || m.policy.state === 'enabled';
  return {
    usable: chat.filter(enabled),
    notEnabled: chat.filter((m) => !enabled(m)),
  };
}

/** An OpenAI model (by id or vendor): ranked first, its version numbers read apart. */
export const isOpenAi = (m: ModelEntry): boolean =>
  /^(gpt-|o\d)/i.test(m.id) || /openai/i.test(m.vendor ?? '');

/** Whether the model lists `endpoint` in `supported_endpoints`. */
export function serves(model: ModelEntry, endpoint: string): boolean {
  return (
    Array.isArray(model.supported_endpoints) &&
    model.supported_endpoints.includes(endpoint)
  );
}
