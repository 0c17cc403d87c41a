import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorShapeFor, writeError } from '../errors/error-writer';
import { ProxyError } from '../errors/proxy-error';
import { requestContext } from './request-context';

/**
 * A request body that stops arriving for `idleMs` ends the request: 408 when no
 * answer has begun, then the connection closes (and with it the upstream
 * request). Node's own limits cut slow headers but let a body trickle in for
 * five minutes, holding a connection and an upstream request all along. Uses the
 * socket's idle timer while the body is read, and hands it back at its end.
 */
export function limitBodyIdle(
  req: IncomingMessage,
  res: ServerResponse,
  idleMs: number,
): void {
  if (
    req.headers['content-length'] === undefined &&
    req.headers['transfer-encoding'] === undefined
  )
    return;
  const socket = req.socket;
  let watching = true;
  const done = () => {
    if (!watching) return;
    watching = false;
    req.off('timeout', onIdle);
    // Once the answer has finished, Node has set the keep-alive timeout itself.
    if (!res.writableFinished) socket.setTimeout(0);
  };
  // Emitted by Node's server for an incomplete request whose socket went idle;
  // a listener here keeps Node from destroying the socket before the 408.
  const onIdle = () => {
    done();
    const context = requestContext(req);
    const error = new ProxyError('request_timeout', {
      detail: `request body idle for ${idleMs} ms: connection closed`,
    });
    context.outcome = error.code;
    context.detail = error.detail;
    context.clientClosed();
    writeError(res, error, errorShapeFor(context.route));
    socket.destroySoon();
  };
  socket.setTimeout(idleMs);
  req.on('timeout', onIdle);
  req.once('end', done);
  res.once('close', done);
}
