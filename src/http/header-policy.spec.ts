import {
  clientResponseHeaders,
  isEventStream,
  upstreamRequestHeaders,
} from './header-policy';

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
    );
    expect(Object.keys(headers)).toEqual([
      'Content-Type',
      'editor-version',
      'editor-plugin-version',
      'copilot-integration-id',
      'user-agent',
      'X-Request-Id',
    ]);
  });

  it('keeps TE: trailers', () => {
    expect(upstreamRequestHeaders(['TE', 'trailers'], 'id')).toMatchObject({
      TE: 'trailers',
    });
  });

  it('keeps the client case and every repeated field', () => {
    const headers = upstreamRequestHeaders(
      ['X-Thing', 'a', 'x-thing', 'b', 'Anthropic-Beta', 'tools'],
      'id',
    );
    expect(headers['X-Thing']).toEqual(['a', 'b']);
    expect(headers['Anthropic-Beta']).toBe('tools');
  });

  it('adds the Copilot integration headers only when absent, whatever their case', () => {
    const headers = upstreamRequestHeaders(
      ['Editor-Version', 'JetBrains/2025.1', 'USER-AGENT', 'mine'],
      'id',
    );
    expect(headers['Editor-Version']).toBe('JetBrains/2025.1');
    expect(headers['USER-AGENT']).toBe('mine');
    expect(headers['editor-version']).toBeUndefined();
    expect(headers['copilot-integration-id']).toBe('vscode-chat');
  });

  it('sends the request id the proxy logs, never a second or forged one', () => {
    expect(upstreamRequestHeaders([], 'id-1')['X-Request-Id']).toBe('id-1');
    const replaced = upstreamRequestHeaders(
      ['X-Request-Id', 'a', 'x-request-id', 'b\tforged'],
      'id-1',
    );
    expect(replaced['X-Request-Id']).toBe('id-1');
    expect(replaced['x-request-id']).toBeUndefined();
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
