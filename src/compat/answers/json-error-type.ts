import type { ErrorRule } from './error-answer';

/**
 * G3: Copilot labels its JSON error bodies `content-type: text/plain;
 * charset=utf-8` (ericc-ch #174, caozhiyuan #154, lobehub #16239). Clients that
 * branch on the content type show the raw text instead of the error. A JSON
 * error body goes to the client as `application/json`, its bytes unchanged.
 */
export const jsonErrorType: ErrorRule = {
  id: 'g3',
  name: 'json-errors',
  apply(answer) {
    const type = answer.contentType?.toLowerCase() ?? '';
    if (!answer.upstream.json || type.includes('json')) return false;
    answer.jsonType = true;
    return true;
  },
};
