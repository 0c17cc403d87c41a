declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  /** The client's address: the socket's, or X-Forwarded-For's as far as `trust` allows. */
  function proxyaddr(
    req: IncomingMessage,
    trust: (address: string, hop: number) => boolean,
  ): string;
  export = proxyaddr;
}
