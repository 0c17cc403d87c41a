import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface SocketState {
  /** Requests that arrived on the socket so far. */
  requests: number;
  /** Requests whose answer is not finished yet. */
  serving: number;
}

/**
 * The fake server's client sockets: which are open, how many requests each has
 * carried, which are serving one right now (the others sit idle in keep-alive).
 */
export class FakeSockets {
  private readonly open = new Map<Socket, SocketState>();

  /** Follows a newly accepted socket until it closes. */
  add(socket: Socket): void {
    this.open.set(socket, { requests: 0, serving: 0 });
    socket.once('close', () => this.open.delete(socket));
  }

  /** Counts a request that arrived on its socket, as served until its answer closes. */
  begin(req: IncomingMessage, res: ServerResponse): void {
    const state = this.open.get(req.socket);
    if (!state) return;
    state.requests++;
    state.serving++;
    res.once('close', () => state.serving--);
  }

  /** How many requests arrived on `socket`, the current one included. */
  requestsOn(socket: Socket): number {
    return this.open.get(socket)?.requests ?? 0;
  }

  /** Destroys every socket not serving a request right now; returns how many. */
  destroyIdle(): number {
    let destroyed = 0;
    for (const [socket, state] of this.open) {
      if (state.serving > 0) continue;
      socket.destroy();
      destroyed++;
    }
    return destroyed;
  }

  /** Destroys every open socket. */
  destroyAll(): void {
    for (const socket of this.open.keys()) socket.destroy();
  }
}
