import { EnvReader } from '../config/env-reader';
import { seatLogin } from '../seats/seat-login';
import { login } from './login';

/**
 * `npm run login`: GitHub device flow, token saved for `npm start`.
 * `npm run login -- --seat`: links the seat of the key in `PROXY_KEY` through a
 * running proxy (`PROXY_URL`, by default http://127.0.0.1:$PROXY_PORT or 8080).
 */
async function main(): Promise<void> {
  const env = new EnvReader(process.env);
  if (process.argv.includes('--seat')) {
    const key = env.string('PROXY_KEY');
    const port = env.port('PROXY_PORT', 8080);
    const proxyUrl = env.url('PROXY_URL', `http://127.0.0.1:${port}`)!;
    if (!key)
      env.problems.push(
        'PROXY_KEY must be set to the key whose seat to link (a key with "seat: own")',
      );
    if (env.problems.length > 0) throw new Error(env.problems.join('\n'));
    await seatLogin(proxyUrl, key!);
    return;
  }
  const githubBaseUrl = env.url('GITHUB_BASE_URL', 'https://github.com')!;
  if (env.problems.length > 0) throw new Error(env.problems.join('\n'));
  await login(githubBaseUrl);
}

main().catch((error: unknown) => {
  process.stderr.write(`login failed: ${(error as Error).message}\n`);
  process.exit(1);
});
