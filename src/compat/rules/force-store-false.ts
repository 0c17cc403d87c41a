import type { CompatRule } from '../compat-rule';

/**
 * R1: Copilot's `/responses` keeps no state and refuses `store: true` with
 * `400 {"error":{"message":"store is not supported","code":"unsupported_value","param":"store"}}`.
 * The OpenAI SDK and `@ai-sdk/openai` send `store: true` by default; Codex sends
 * it when configured to. Peers: Floway `force-store-false.ts`, Jer-y's live matrix
 * (`responses-store-true-unsupported`). An absent `store` is left alone: whether
 * Copilot takes absence as true is unverified, and the request stays byte-identical.
 */
export const forceStoreFalse: CompatRule = {
  id: 'r1',
  name: 'store',
  apis: ['responses'],
  apply({ body }, edit) {
    if (body?.store === undefined || body.store === false) return false;
    edit.set(['store'], false);
    return true;
  },
};
