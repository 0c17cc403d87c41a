import { EnvReader } from '../config/env-reader';
import { login } from './login';

/** `npm run login`: GitHub device flow, token saved for `npm start`. */
async function main(): Promise<void> {
  const env = new EnvReader(process.env);
  const githubBaseUrl = env.url('GITHUB_BASE_URL', 'https://github.com')!;
  if (env.problems.length > 0) throw new Error(env.problems.join('\n'));
  await login(githubBaseUrl);
}

main().catch((error: unknown) => {
  process.stderr.write(`login failed: ${(error as Error).message}\n`);
  process.exit(1);
});
