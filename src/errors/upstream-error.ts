/** An error answer of the Copilot API, as read from its body. */
export interface UpstreamError {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
  /** The body is JSON (whatever its content type says). */
  json: boolean;
  /** The body is already Anthropic's `{"type":"error","error":{type,message}}`. */
  anthropic: boolean;
  /** Anthropic's `request_id`, when the body carries one. */
  requestId: string | undefined;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

/**
 * Reads the shapes Copilot answers errors in (`COPILOT-QUIRKS.md` G3, G4,
 * §9.3): its own `{"error":{"message","code"}}` (often labelled `text/plain`),
 * OpenAI's `{"error":{message,type,code,param}}`, Anthropic's
 * `{"type":"error","error":{type,message},"request_id"}`, a bare
 * `{"message":"…"}`, `{"error":"…"}`, or plain text. An HTML page carries no
 * message.
 */
export function readUpstreamError(
  body: Buffer,
  contentType: string | undefined,
): UpstreamError {
  const raw = body.toString('utf8').trim();
  const none: UpstreamError = {
    message: undefined,
    type: undefined,
    code: undefined,
    param: undefined,
    json: false,
    anthropic: false,
    requestId: undefined,
  };
  let doc: unknown;
  try {
    doc = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    doc = undefined;
  }
  if (!isObject(doc)) {
    const html = contentType?.toLowerCase().includes('html') ?? false;
    return raw === '' || html ? none : { ...none, message: raw };
  }
  const nested = isObject(doc.error) ? doc.error : undefined;
  const source = nested ?? doc;
  return {
    message: text(source.message) ?? (nested ? undefined : text(doc.error)),
    type: nested ? text(nested.type) : undefined,
    code:
      typeof source.code === 'number' ? String(source.code) : text(source.code),
    param: text(source.param),
    json: true,
    anthropic: doc.type === 'error' && typeof nested?.type === 'string',
    requestId: text(doc.request_id),
  };
}
