import {
  clientResponseHeaders,
  dropUnwritableHeaders,
  isEventStream,
  upstreamRequestHeaders,
  UpstreamHeaderPolicy,
} from './header-policy';
import {
  copilotHeaders,
  DEFAULT_FINGERPRINT,
} from '../copilot/copilot-headers';

const DEVICE = '0b6f3c52-0000-4000-8000-000000000001';
const POLICY: UpstreamHeaderPolicy = {
  defaults: copilotHeaders(DEFAULT_FINGERPRINT, DEVICE),
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
      'x-vscode-user-agent-library-version',
      'editor-device-id',
      'openai-intent',
      'x-interaction-type',
      'X-Request-Id',
      'X-Agent-Task-Id',
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

  it("sends the request id as the agent task id too, never the client's", () => {
    const headers = upstreamRequestHeaders(
      ['X-Agent-Task-Id', 'forged'],
      'id-1',
      POLICY,
    );
    expect(headers['X-Agent-Task-Id']).toBe('id-1');
    expect(headers['x-agent-task-id']).toBeUndefined();
  });

  it('says conversation-agent, or model-access on /models, unless the client said', () => {
    const chat = upstreamRequestHeaders([], 'id', POLICY, '/chat/completions');
    expect(chat['openai-intent']).toBe('conversation-agent');
    expect(chat['x-interaction-type']).toBe('conversation-agent');
    const models = upstreamRequestHeaders([], 'id', POLICY, '/models');
    expect(models['openai-intent']).toBe('model-access');
    expect(models['x-interaction-type']).toBe('model-access');
    const own = upstreamRequestHeaders(
      ['OpenAI-Intent', 'conversation-edits', 'X-Interaction-Type', 'x'],
      'id',
      POLICY,
      '/chat/completions',
    );
    expect(own['OpenAI-Intent']).toBe('conversation-edits');
    expect(own['X-Interaction-Type']).toBe('x');
    expect(own['openai-intent']).toBeUndefined();
  });

  it('presents one device id and the editor fetch library', () => {
    const headers = upstreamRequestHeaders([], 'id', POLICY);
    expect(headers['editor-device-id']).toBe(DEVICE);
    expect(headers['x-vscode-user-agent-library-version']).toBe(
      'electron-fetch',
    );
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
      'x-vscode-user-agent-library-version': 'electron-fetch',
      'editor-device-id': DEVICE,
      'openai-intent': 'conversation-agent',
      'x-interaction-type': 'conversation-agent',
      'X-Request-Id': 'id',
      'X-Agent-Task-Id': 'id',
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

describe('upstreamRequestHeaders: session and installation ids', () => {
  const SESSIONS = [
    'originator',
    'codex_exec',
    'session-id',
    's-1',
    'thread-id',
    't-1',
    'x-client-request-id',
    'r-1',
    'x-session-id',
    'ses_1',
    'x-session-affinity',
    'a-1',
    'Content-Type',
    'application/json',
  ];

  it("keeps Codex's and opencode's session and installation ids home", () => {
    const headers = upstreamRequestHeaders(SESSIONS, 'id', POLICY);
    expect(Object.keys(headers).map((name) => name.toLowerCase())).toEqual([
      'content-type',
      'editor-version',
      'editor-plugin-version',
      'copilot-integration-id',
      'user-agent',
      'x-github-api-version',
      'x-vscode-user-agent-library-version',
      'editor-device-id',
      'openai-intent',
      'x-interaction-type',
      'x-request-id',
      'x-agent-task-id',
    ]);
  });

  it('sends them with keepClientIdentity', () => {
    const headers = upstreamRequestHeaders(SESSIONS, 'id', {
      ...POLICY,
      keepClientIdentity: true,
    });
    for (let i = 0; i < SESSIONS.length; i += 2)
      expect(headers[SESSIONS[i]]).toBe(SESSIONS[i + 1]);
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

describe('dropUnwritableHeaders', () => {
  it('drops what Node would refuse to write, keeps the rest', () => {
    const headers: Record<string, string | string[]> = {
      'X-Fine': 'a b',
      'X-Bad': 'a\u0100',
      'X-Split': 'a\r\nSet-Cookie: x=1',
      'X-List': ['ok', 'nul\u0000'],
      'Bad Name': 'x',
    };
    expect(dropUnwritableHeaders(headers)).toEqual([
      'X-Bad',
      'X-Split',
      'X-List',
      'Bad Name',
    ]);
    expect(headers).toEqual({ 'X-Fine': 'a b' });
  });
});
