import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SpawnedApp {
  proc: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/**
 * Runs the built proxy (`dist/main.js`, as `npm start` does) as a child process, for
 * what only a real process shows: signals, exit codes, start-up messages, log lines.
 */
export function spawnApp(
  env: Record<string, string>,
  opts: { waitForListen?: boolean } = {},
): Promise<SpawnedApp> {
  const proc = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PROXY_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = { proc, stdout: () => out, stderr: () => err, exited };
  if (opts.waitForListen === false)
    return Promise.resolve({ ...base, url: '' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app did not start:\n${out}\n${err}`)),
      15_000,
    );
    const onData = (): void => {
      const match = /listening on (http:\/\/[\d.:a-z[\]]+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      resolve({ ...base, url: match[1] });
    };
    proc.stdout.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`app exited before listening:\n${out}\n${err}`));
    });
  });
}
