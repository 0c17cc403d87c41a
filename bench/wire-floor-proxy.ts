import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';

/**
 * The floor (bench/floor-proxy.ts) doing what any Copilot proxy must do on the
 * wire, and nothing else: it reads a request's body whole before sending it on
 * (every stage that reads a body must), sends the editor headers Copilot
 * expects (COPILOT-QUIRKS §8.1: the ten the proxy adds) and answers with an
 * `X-Request-Id`. No inspection, metering, rules or logging. The distance from
 * the floor to this is the wire's; from this to the proxy, the stages'.
 */
const upstream = new URL(process.env.UPSTREAM!);
const token = process.env.TOKEN!;
const agent = new Agent({ keepAlive: true });
const EDITOR = {
  'editor-plugin-version': 'copilot-chat/0.52.0',
  'copilot-integration-id': 'vscode-chat',
  'user-agent': 'GitHubCopilotChat/0.52.0',
  'x-github-api-version': '2026-06-01',
  'x-vscode-user-agent-library-version': 'electron-fetch',
  'editor-device-id': randomUUID(),
  'openai-intent': 'conversation-agent',
  'x-interaction-type': 'conversation-agent',
  'x-initiator': 'user',
};

const server = createServer((req, res) => {
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          ...EDITOR,
          'x-request-id': id,
          'x-agent-task-id': id,
          'content-length': body.length,
          host: upstream.host,
          authorization: `Bearer ${token}`,
        },
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => out.destroy());
    out.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
