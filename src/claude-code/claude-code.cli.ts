import { claudeCodeEnv, ModelEntry } from './claude-code-env';

/**
 * `npm run claude-code`: asks the running proxy (`PROXY_URL`, default
 * http://127.0.0.1:$PROXY_PORT or 8080) for its models and prints the environment
 * Claude Code needs. With keys on, put yours in `PROXY_API_KEY`: it is sent, and
 * the printed lines refer to the variable rather than the key.
 */
async function main(): Promise<void> {
  const baseUrl = (
    process.env.PROXY_URL ??
    `http://127.0.0.1:${process.env.PROXY_PORT ?? '8080'}`
  ).replace(/\/+$/, '');
  const key = process.env.PROXY_API_KEY;
  const res = await fetch(`${baseUrl}/v1/models`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
  if (!res.ok) {
    throw new Error(
      `${baseUrl}/v1/models answered ${res.status}${res.status === 401 ? ': set PROXY_API_KEY' : ''}`,
    );
  }
  const body = (await res.json()) as { data?: ModelEntry[] };
  process.stdout.write(
    claudeCodeEnv(body.data ?? [], baseUrl, key ? 'PROXY_API_KEY' : undefined),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `claude-code: ${(error as Error).message}; is the proxy running (npm start)?\n`,
  );
  process.exit(1);
});
