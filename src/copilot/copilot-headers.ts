/**
 * What the Copilot API expects from an editor integration. Values follow a current
 * VS Code Copilot Chat release; the API answers 400 without `Editor-Version`.
 */
export const EDITOR_VERSION = 'vscode/1.104.3';
export const EDITOR_PLUGIN_VERSION = 'copilot-chat/0.26.7';
export const USER_AGENT = 'GitHubCopilotChat/0.26.7';
export const GITHUB_API_VERSION = '2025-04-01';

/** Added to a proxied request when the client did not send them (lower-case names). */
export const COPILOT_DEFAULT_HEADERS: ReadonlyArray<readonly [string, string]> =
  [
    ['editor-version', EDITOR_VERSION],
    ['editor-plugin-version', EDITOR_PLUGIN_VERSION],
    ['copilot-integration-id', 'vscode-chat'],
    ['user-agent', USER_AGENT],
  ];

/** Sent with the GitHub token exchange. */
export const GITHUB_EDITOR_HEADERS: Readonly<Record<string, string>> = {
  accept: 'application/json',
  'editor-version': EDITOR_VERSION,
  'editor-plugin-version': EDITOR_PLUGIN_VERSION,
  'user-agent': USER_AGENT,
  'x-github-api-version': GITHUB_API_VERSION,
};
