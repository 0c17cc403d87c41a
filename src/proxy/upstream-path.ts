/**
 * OpenAI clients configured with a `/v1` base URL ask for `/v1/chat/completions`;
 * the Copilot API serves these families without the prefix. Every other path, the
 * Anthropic `/v1/messages` included, goes upstream as it is.
 */
const V1_ALIASED =
  /^\/v1\/(?:chat\/completions|models|embeddings|responses)(?=[/?]|$)/;

/**
 * The request target to send upstream, byte for byte but for the `/v1` alias, or
 * undefined when the target is not origin-form (`/…`) and cannot be proxied.
 */
export function upstreamPath(requestTarget: string): string | undefined {
  if (requestTarget.charCodeAt(0) !== 0x2f /* / */) return undefined;
  return V1_ALIASED.test(requestTarget)
    ? requestTarget.slice(3)
    : requestTarget;
}
