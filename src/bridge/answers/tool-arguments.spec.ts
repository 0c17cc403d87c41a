import {
  argumentsJson,
  argumentsObject,
  argumentsText,
} from './tool-arguments';

describe('tool arguments', () => {
  it('gives Chat and Responses clients {} for no arguments', () => {
    expect(argumentsJson('')).toBe('{}');
    expect(argumentsJson('  ')).toBe('{}');
    expect(argumentsJson('{"a":1}')).toBe('{"a":1}');
  });

  it('gives Anthropic clients an object', () => {
    expect(argumentsObject('{"city":"Paris"}')).toEqual({ city: 'Paris' });
    expect(argumentsObject('')).toEqual({});
    expect(argumentsObject('{"city":')).toEqual({});
    expect(argumentsObject('[1]')).toEqual({});
  });

  it('reads arguments sent as text or as an object', () => {
    expect(argumentsText('{"a":1}')).toBe('{"a":1}');
    expect(argumentsText({ a: 1 })).toBe('{"a":1}');
    expect(argumentsText(undefined)).toBe('');
    expect(argumentsText(null)).toBe('');
  });
});
