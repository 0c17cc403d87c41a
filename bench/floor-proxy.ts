import { Agent, createServer, request } from 'node:http';

/**
 * The floor for any proxy on Node: node:http, a keep-alive agent, the Authorization
 * header swapped, bodies piped both ways. Nothing else.
 */
const upstream = new URL(process.env.UPSTREAM!);
const token = process.env.TOKEN!;
const agent = new Agent({ keepAlive: true });

const server = createServer((req, res) => {
  const headers = {
    ...req.headers,
    host: upstream.host,
    authorization: `Bearer ${token}`,
  };
  const out = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
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
  req.pipe(out);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
