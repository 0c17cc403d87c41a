import { saveGithubToken } from '../config/saved-token';
import { DeviceFlow } from './device-flow';

/**
 * Runs the device flow, printing what the user must do, and saves the token where
 * the proxy picks it up on its next start.
 */
export async function login(
  githubBaseUrl: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<string> {
  const flow = new DeviceFlow(githubBaseUrl);
  const code = await flow.requestCode();
  out.write(
    `\nTo authorize copilot-proxy, open ${code.verificationUri}\nand enter the code: ${code.userCode}\n\nWaiting for approval…\n`,
  );
  const token = await flow.waitForToken(code);
  const file = saveGithubToken(token);
  out.write(
    `Logged in. The GitHub token is saved in ${file} (readable by you only).\n`,
  );
  return file;
}
