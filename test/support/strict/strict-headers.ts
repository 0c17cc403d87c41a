import { TOO_OLD } from '../fake-copilot-routes';
import { TEXT_PLAIN } from './strict-refusals';
import {
  CHAT,
  COUNT_TOKENS,
  EMBEDDINGS,
  MESSAGES,
  RESPONSES,
  StrictRule,
} from './strict-rule';

const ALL = [CHAT, MESSAGES, COUNT_TOKENS, RESPONSES, EMBEDDINGS];

/** The oldest data-plane `X-GitHub-Api-Version` Copilot still takes (G5, §10). */
export const MIN_API_VERSION = '2025-05-01';

/** Header rules (catalogue §0, §8). */
export const HEADER_RULES: StrictRule[] = [
  {
    // G5: an `X-GitHub-Api-Version` older than 2025-05-01 → 466 "no longer supported".
    id: 'g5',
    paths: ALL,
    check: ({ headers }) => {
      const version = headers['x-github-api-version'];
      if (typeof version !== 'string' || version >= MIN_API_VERSION)
        return undefined;
      return {
        status: 466,
        body: `${JSON.stringify(TOO_OLD)}\n`,
        contentType: TEXT_PLAIN,
      };
    },
  },
  {
    // G14: the Claude Code user agent without `Copilot-Integration-Id` on claude-opus-4.8 → 403.
    id: 'g14',
    paths: [MESSAGES],
    check: ({ headers, model }) =>
      model.startsWith('claude-opus-4.8') &&
      String(headers['user-agent'] ?? '').startsWith('vscode_claude_code') &&
      headers['copilot-integration-id'] === undefined
        ? {
            status: 403,
            body: 'Access to this endpoint is forbidden',
            contentType: TEXT_PLAIN,
          }
        : undefined,
  },
];
