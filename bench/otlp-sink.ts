/**
 * A stand-in for an OpenTelemetry Collector: answers every OTLP/HTTP export 200
 * once its body is read, and keeps nothing, so the bench measures what tracing
 * costs the proxy, not what a collector does with it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let spansBytes = 0;
const server = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => (spansBytes += chunk.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => {
  process.stderr.write(`otlp sink: ${spansBytes} bytes of spans received\n`);
  process.exit(0);
});
