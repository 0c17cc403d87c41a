import { parse } from 'smol-toml';
import { tomlString } from './toml-string';

describe('tomlString', () => {
  it.each([
    'gpt-5.1-codex',
    'http://127.0.0.1:8080/v1',
    'say "hi"',
    'C:\\path\\to',
    'line\nbreak\ttab\rcr',
    'bell\x07del\x7f',
    'ünïcödé → ok',
    '',
  ])('writes %j as a string TOML reads back unchanged', (value) => {
    expect(parse(`v = ${tomlString(value)}`).v).toBe(value);
  });

  it('escapes only what must be escaped', () => {
    expect(tomlString('a"b\\c\n\x01')).toBe('"a\\"b\\\\c\\n\\u0001"');
  });
});
