import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** A node child process, its output so far, and how it ended. */
export interface LaunchedNode {
  proc: ChildProcess;
  /** The URL from its "listening on http://…" line; '' when not waited for. */
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export type SpawnedApp = LaunchedNode;

export interface LaunchOptions {
  /** Wait for the "listening on http://…" line on stdout (the default). */
  waitForListen?: boolean;
  /** How long to wait for that line. */
  timeoutMs?: number;
  /** Working directory of the child; the parent's by default. */
  cwd?: string;
  /** Also copy the child's stdout and stderr to this process' stderr. */
  echo?: boolean;
  /** Names the child in errors; `app` by default. */
  label?: string;
}

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');
const LISTENING = /listening on (http:\/\/[\d.:a-z[\]]+)/;

/**
 * Runs `node <args>` with `env` as its whole environment and, unless told otherwise,
 * resolves once it prints "listening on http://…"; rejects if it exits or stays
 * silent for `timeoutMs` first.
 */
export function launchNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: LaunchOptions = {},
): Promise<LaunchedNode> {
  const { waitForListen = true, timeoutMs = 15_000, label = 'app' } = options;
  const proc = spawn(process.execPath, args, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (options.echo) process.stderr.write(chunk);
  });
  proc.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    if (options.echo) process.stderr.write(chunk);
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const base = { proc, stdout: () => out, stderr: () => err, exited };
  if (!waitForListen) return Promise.resolve({ ...base, url: '' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never left running: a child outliving its test keeps the jest worker alive.
      proc.kill('SIGKILL');
      reject(new Error(`${label} did not start:\n${out}\n${err}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(out);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout.off('data', onData);
      resolve({ ...base, url: match[1] });
    };
    proc.stdout.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${label} exited before listening:\n${out}\n${err}`));
    });
  });
}

/**
 * Runs the built proxy (`dist/main.js`, as `npm start` does) as a child process, for
 * what only a real process shows: signals, exit codes, start-up messages, log lines.
 */
export function spawnApp(
  env: Record<string, string>,
  opts: { waitForListen?: boolean } = {},
): Promise<SpawnedApp> {
  return launchNode(
    [MAIN],
    {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PROXY_PORT: '0',
      ...env,
    },
    { waitForListen: opts.waitForListen },
  );
}

/**
 * Spawns apps for the calling `describe` with `defaults()` under each call's `env`,
 * and kills what is still running after each test — a spawn still starting too,
 * once it has: a test that timed out under load may still be waiting for one, and
 * a child left running keeps the jest worker from exiting. A spawn that completes
 * after the last test is killed at once.
 */
export function useSpawnedApps(
  defaults: () => Record<string, string>,
): (env?: Record<string, string>) => Promise<SpawnedApp> {
  const running = new Set<SpawnedApp>();
  const starting = new Set<Promise<unknown>>();
  let ended = false;
  const killAll = async () => {
    await Promise.allSettled([...starting]);
    for (const app of running) app.proc.kill('SIGKILL');
    running.clear();
  };
  afterEach(killAll);
  afterAll(async () => {
    ended = true;
    await killAll();
  });
  return async (env = {}) => {
    const spawning = spawnApp({ ...defaults(), ...env });
    starting.add(spawning);
    try {
      const app = await spawning;
      if (ended) {
        app.proc.kill('SIGKILL');
        throw new Error('spawned after the last test of its describe');
      }
      running.add(app);
      return app;
    } finally {
      starting.delete(spawning);
    }
  };
}
