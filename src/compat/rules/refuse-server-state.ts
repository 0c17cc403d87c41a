import { ProxyError } from '../../errors/proxy-error';
import type { CompatRule } from '../compat-rule';

/**
 * R3: Copilot's `/responses` is `store: false` only and keeps no state, so a
 * request that points at stored state — `previous_response_id`, `conversation`
 * — cannot be served (Jer-y's live matrix
 * `responses-previous-response-id-unsupported`; Jer-y `routes/responses/
 * handler.ts`: "Responses conversation state is not supported by the current
 * Copilot upstream"). No edit can help: the proxy answers a clear 400 itself and
 * nothing goes upstream. `-r3` sends such requests on to Copilot's own refusal.
 */
export const refuseServerState: CompatRule = {
  id: 'r3',
  name: 'server-state',
  apis: ['responses'],
  apply({ body }) {
    for (const field of ['previous_response_id', 'conversation']) {
      if (body?.[field] == null) continue;
      throw new ProxyError('no_server_state', {
        message: `Copilot keeps no server state for /responses, so ${field} cannot be used: send the whole conversation in input (with store: false)`,
        detail: `compat r3: ${field}`,
      });
    }
    return false;
  },
};
