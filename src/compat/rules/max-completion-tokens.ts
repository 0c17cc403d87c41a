import type { CompatRule } from '../compat-rule';

/** The models that take only `max_completion_tokens`: gpt-5* and the o-series. */
const COMPLETION_TOKENS_ONLY = /^(gpt-5|o\d)/;

/**
 * C1: on Chat, gpt-5* and o* models refuse `max_tokens`: `400 {"error":
 * {"message":"Unsupported parameter: 'max_tokens' is not supported with this
 * model. Use 'max_completion_tokens' instead.","code":"invalid_request_body"}}`
 * (caozhiyuan/copilot-api#164, #172, 2026-04; jcode#190). The member is renamed in
 * place, its value kept; when the body also has `max_completion_tokens`,
 * `max_tokens` is removed.
 */
export const maxCompletionTokens: CompatRule = {
  id: 'c1',
  name: 'max_tokens',
  apis: ['chat'],
  apply({ body, model }, edit) {
    if (!body || !('max_tokens' in body)) return false;
    const id = model ?? (typeof body.model === 'string' ? body.model : '');
    if (!COMPLETION_TOKENS_ONLY.test(id)) return false;
    if ('max_completion_tokens' in body) edit.remove(['max_tokens']);
    else edit.rename(['max_tokens'], 'max_completion_tokens');
    return true;
  },
};
