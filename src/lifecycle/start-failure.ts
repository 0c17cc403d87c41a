import { ConfigValidationError } from '../config/settings';

/** Where the proxy tried to listen, for messages about it. */
export interface ListenTarget {
  host: string;
  port: number;
}

/**
 * One line for a failed start, naming the variable to change; never a stack
 * trace (set `LOG_LEVEL=debug` to see one).
 */
export function describeStartFailure(
  error: unknown,
  target: ListenTarget | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (error instanceof ConfigValidationError) return error.message;
  const code = (error as { code?: string })?.code;
  if (target && code === 'EADDRINUSE') {
    return `PROXY_PORT=${target.port} is already in use on ${target.host} (EADDRINUSE): stop what listens there or choose another PROXY_PORT`;
  }
  if (target && code === 'EADDRNOTAVAIL') {
    return `HOST=${target.host} is not an address of this machine (EADDRNOTAVAIL)`;
  }
  if (target && code === 'EACCES') {
    return `PROXY_PORT=${target.port} needs privileges this process lacks (EACCES): use a port above 1023`;
  }
  const message = (error as Error)?.message ?? String(error);
  const debug = ['debug', 'trace'].includes(env.LOG_LEVEL ?? '');
  return debug && (error as Error)?.stack
    ? (error as Error).stack!
    : message.split('\n')[0];
}
