import {
  createServer,
  IncomingMessage,
  request,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the upstream keeps without answering. */
export interface HeldRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The proxy closed the connection (its client went away). */
  closed: boolean;
}

/**
 * An upstream in front of the fake Copilot API that never answers the requests
 * `hold` picks (it reads their bodies, then keeps silent: no status line, no
 * headers) and passes every other one to `target` as it is. For what only an
 * upstream that stalls before its headers shows.
 */
export class HeldUpstream {
  readonly held: HeldRequest[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly target: string,
    private readonly hold: (req: IncomingMessage) => boolean,
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.hold(req)) return this.pass(req, res);
    const chunks: Buffer[] = [];
    const record: HeldRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.alloc(0),
      closed: false,
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      record.body = Buffer.concat(chunks);
      this.held.push(record);
    });
    res.once('close', () => (record.closed = true));
  }

  private pass(req: IncomingMessage, res: ServerResponse): void {
    passTo(this.target, req, res);
  }
}

/** Passes a request to `target` as it is, and its answer back as it came. */
export function passTo(
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const { hostname, port } = new URL(target);
  const out = request(
    {
      host: hostname,
      port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  req.pipe(out);
}
