/**
 * What the Copilot API expects from an editor integration (COPILOT-API.md). The
 * API answers 400 without `Editor-Version`, and since 2026-02 it answers 466 to
 * fingerprints it considers too old — so the fingerprint is configurable
 * (`COPILOT_EDITOR_VERSION`, `COPILOT_CHAT_VERSION`, `COPILOT_API_VERSION`),
 * defaulting to what the most current public client sends.
 */
export interface Fingerprint {
  /** `Editor-Version`, e.g. `vscode/1.124.2`. */
  editorVersion: string;
  /** The Copilot Chat version: `Editor-Plugin-Version: copilot-chat/<it>`, `User-Agent: GitHubCopilotChat/<it>`. */
  chatVersion: string;
  /** `X-GitHub-Api-Version` on model calls. */
  apiVersion: string;
}

export { DEFAULT_FINGERPRINT } from '../config/copilot.config';

/** The token exchange and `copilot_internal/user` keep the version they are known to take. */
const GITHUB_API_VERSION = '2025-04-01';

/**
 * Added to a proxied request when the client did not send them (lower-case
 * names): the base set current editors send on every data-plane call
 * (COPILOT-QUIRKS §8.1). `openai-intent`, `x-interaction-type`, `x-request-id`
 * and `x-agent-task-id` depend on the request: `upstreamRequestHeaders` adds them.
 */
export function copilotHeaders(
  fingerprint: Fingerprint,
  deviceId?: string,
): ReadonlyArray<readonly [string, string]> {
  const headers: Array<readonly [string, string]> = [
    ['editor-version', fingerprint.editorVersion],
    ['editor-plugin-version', `copilot-chat/${fingerprint.chatVersion}`],
    ['copilot-integration-id', 'vscode-chat'],
    ['user-agent', `GitHubCopilotChat/${fingerprint.chatVersion}`],
    ['x-github-api-version', fingerprint.apiVersion],
    ['x-vscode-user-agent-library-version', 'electron-fetch'],
  ];
  if (deviceId !== undefined) headers.push(['editor-device-id', deviceId]);
  return headers;
}

/** Sent with the GitHub token exchange and account calls. */
export function githubHeaders(
  fingerprint: Fingerprint,
): Readonly<Record<string, string>> {
  return {
    accept: 'application/json',
    'editor-version': fingerprint.editorVersion,
    'editor-plugin-version': `copilot-chat/${fingerprint.chatVersion}`,
    'user-agent': `GitHubCopilotChat/${fingerprint.chatVersion}`,
    'x-github-api-version': GITHUB_API_VERSION,
  };
}
