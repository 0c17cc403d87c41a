import { execFileSync } from 'node:child_process';
import { shellQuote } from './shell-quote';

/** What a POSIX shell makes of the word. */
const shellReads = (word: string) =>
  execFileSync('sh', ['-c', `printf %s ${word}`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

describe('shellQuote', () => {
  it('leaves plain words and URLs as they are', () => {
    expect(shellQuote('claude-sonnet-4.5')).toBe('claude-sonnet-4.5');
    expect(shellQuote('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
  });

  it.each([
    'https://h/a b',
    "it's",
    '$(touch /tmp/pwned)',
    '`id`',
    'a;b&c|d',
    '~root',
    '*',
    '"q"',
    "'",
    '',
  ])('quotes %j so the shell reads it back unchanged', (value) => {
    expect(shellQuote(value)).not.toBe(value);
    expect(shellReads(shellQuote(value))).toBe(value);
  });
});
