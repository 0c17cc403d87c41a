import {
  clientResponseHeaders,
  isEventStream,
  upstreamRequestHeaders,
  UpstreamHeaderPolicy,
} from './header-policy';
import {
  copilotHeaders,
  DEFAULT_FINGERPRINT,
} from '../copilot/copilot-headers';

const POLICY: UpstreamHeaderPolicy = {
  defaults: copilotHeaders(DEFAULT_FINGERPRINT),
  keepClientIdentity: false,
};

describe('upstreamRequestHeaders', () => {
  it('drops hop-by-hop fields, those named by Connection, credentials, Host and Expect', () => {
    const headers = upstreamRequestHeaders(
      [
        'Host',
        'proxy.local',
        'Connection',
        'keep-alive, X-Secret-Hop',
        'X-Secret-Hop',
        '1',
        'Keep-Alive',
        'timeout=5',
        'Transfer-Encoding',
        'chunked',
        'TE',
        'gzip',
        'Trailer',
        'X-Checksum',
        'Upgrade',
        'websocket',
        'Proxy-Authorization',
        'Basic x',
        'Proxy-Connection',
        'keep-alive',
        'Authorization',
        'Bearer client-key',
        'X-Api-Key',
        'client-key',
        'Expect',
        '100-continue',
        'Content-Type',
        'application/json',
      ],
      'id',
      POLICY,
    );
    expect(Object.keys(headers)).toEqual([
      'Content-Type',
      'editor-version',
      'editor-plugin-version',
      'copilot-integration-id',
      'user-agent',
      'x-github-api-version',
      'X-Request-Id',
    ]);
  });

  it('keeps TE: trailers', () => {
    expect(
      upstreamRequestHeaders(['TE', 'trailers'], 'id', POLICY),
    ).toMatchObject({
      TE: 'trailers',
    });
  });

  it('keeps the client case and every repeated field', () => {
    const headers = upstreamRequestHeaders(
      ['X-Thing', 'a', 'x-thing', 'b', 'Anthropic-Beta', 'tools'],
      'id',
      POLICY,
    );
    expect(headers['X-Thing']).toEqual(['a', 'b']);
    expect(headers['Anthropic-Beta']).toBe('tools');
  });

  it('adds the Copilot integration headers only when absent, whatever their case', () => {
    // A client's own User-Agent is kept here only with keepClientIdentity.
    const headers = upstreamRequestHeaders(
      ['Editor-Version', 'JetBrains/2025.1', 'USER-AGENT', 'mine'],
      'id',
      { ...POLICY, keepClientIdentity: true },
    );
    expect(headers['Editor-Version']).toBe('JetBrains/2025.1');
    expect(headers['USER-AGENT']).toBe('mine');
    expect(headers['editor-version']).toBeUndefined();
    expect(headers['copilot-integration-id']).toBe('vscode-chat');
  });

  it('sends the request id the proxy logs, never a second or forged one', () => {
    expect(upstreamRequestHeaders([], 'id-1', POLICY)['X-Request-Id']).toBe(
      'id-1',
    );
    const replaced = upstreamRequestHeaders(
      ['X-Request-Id', 'a', 'x-request-id', 'b\tforged'],
      'id-1',
      POLICY,
    );
    expect(replaced['X-Request-Id']).toBe('id-1');
    expect(replaced['x-request-id']).toBeUndefined();
  });

  it("never sends the client's trace context upstream, with or without its identity", () => {
    const raw = [
      'Traceparent',
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'tracestate',
      'vendor=opaque',
      'X-Kept',
      '1',
    ];
    for (const keepClientIdentity of [false, true]) {
      const headers = upstreamRequestHeaders(raw, 'id', {
        ...POLICY,
        keepClientIdentity,
      });
      const names = Object.keys(headers).map((n) => n.toLowerCase());
      expect(names).not.toContain('traceparent');
      expect(names).not.toContain('tracestate');
      expect(headers['X-Kept']).toBe('1');
    }
  });
});

describe('upstreamRequestHeaders: the identity upstream sees', () => {
  const CLAUDE_CODE = [
    'User-Agent',
    'claude-cli/2.1.197 (external, sdk-cli)',
    'X-Claude-Code-Session-Id',
    'd0c5',
    'x-claude-code-agent-id',
    'a1',
    'X-Stainless-OS',
    'Linux',
    'X-Stainless-Runtime-Version',
    'v26.3.0',
    'x-app',
    'cli',
    'anthropic-dangerous-direct-browser-access',
    'true',
    'anthropic-version',
    '2023-06-01',
    'anthropic-beta',
    'claude-code-20250219',
    'x-codex-turn-metadata',
    '{"installation_id":"5b0c"}',
    'X-Other',
    'kept',
  ];

  it("keeps the client's tool, OS and runtime home and presents the editor", () => {
    const headers = upstreamRequestHeaders(CLAUDE_CODE, 'id', POLICY);
    expect(headers).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219',
      'X-Other': 'kept',
      'editor-version': 'vscode/1.124.2',
      'editor-plugin-version': 'copilot-chat/0.52.0',
      'copilot-integration-id': 'vscode-chat',
      'user-agent': 'GitHubCopilotChat/0.52.0',
      'x-github-api-version': '2026-06-01',
      'X-Request-Id': 'id',
    });
  });

  it('sends them all with keepClientIdentity', () => {
    const headers = upstreamRequestHeaders(CLAUDE_CODE, 'id', {
      ...POLICY,
      keepClientIdentity: true,
    });
    expect(headers['User-Agent']).toBe(
      'claude-cli/2.1.197 (external, sdk-cli)',
    );
    expect(headers['X-Stainless-OS']).toBe('Linux');
    expect(headers['x-app']).toBe('cli');
    expect(headers['user-agent']).toBeUndefined();
  });
});

describe('clientResponseHeaders', () => {
  it('drops hop-by-hop fields and the upstream request id, keeps the rest', () => {
    expect(
      clientResponseHeaders([
        'Content-Type',
        'text/event-stream',
        'Connection',
        'close, X-Hop',
        'X-Hop',
        '1',
        'Transfer-Encoding',
        'chunked',
        'Keep-Alive',
        'timeout=5',
        'X-Request-Id',
        'upstream',
        'Set-Cookie',
        'a=1',
        'set-cookie',
        'b=2',
        'Content-Length',
        '10',
      ]),
    ).toEqual({
      'Content-Type': 'text/event-stream',
      'Set-Cookie': ['a=1', 'b=2'],
      'Content-Length': '10',
    });
  });
});

describe('isEventStream', () => {
  it('recognises text/event-stream with parameters, in any case', () => {
    expect(
      isEventStream(['content-type', 'Text/Event-Stream; charset=utf-8']),
    ).toBe(true);
    expect(isEventStream(['Content-Type', 'application/json'])).toBe(false);
    expect(isEventStream([])).toBe(false);
  });
});
