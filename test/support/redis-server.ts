import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback port, found by binding port 0 and letting it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway `redis-server` (from Debian's package, which .ci/run installs) on
 * loopback, saving nothing to disk; it can be stopped and started again on the
 * same port to test outages, or frozen (SIGSTOP: its socket stays open, nothing
 * answers) and thawed. `extraArgs` go on its command line after the defaults
 * (`--maxmemory 96mb --maxmemory-policy noeviction`).
 */
export class RedisServer {
  private proc?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly extraArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(extraArgs: readonly string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), extraArgs);
    await server.start();
    return server;
  }

  /** Stops the process where it is (SIGSTOP): connections stay open, unanswered. */
  freeze(): void {
    this.proc?.kill('SIGSTOP');
  }

  /** Lets a frozen process go on (SIGCONT). */
  thaw(): void {
    this.proc?.kill('SIGCONT');
  }

  async start(): Promise<void> {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start: ${out}`)),
        10_000,
      );
      proc.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new Error(
            `redis-server could not run (is it installed? .ci/run installs it): ${error.message}`,
          ),
        );
      });
      proc.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  }
}
