import { UntranslatableError } from '../ir';
import {
  arrayAt,
  fieldPath,
  isRecord,
  optionalBoolean,
  optionalNumber,
  optionalRecord,
  optionalString,
  recordAt,
  stopSequences,
  stringAt,
} from './json-fields';

function errorOf(fn: () => unknown): UntranslatableError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UntranslatableError) return error;
    throw error;
  }
  throw new Error('no error thrown');
}

describe('json-fields', () => {
  it('tells records from arrays and null', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
  });

  it('joins paths', () => {
    expect(fieldPath('', 'model')).toBe('model');
    expect(fieldPath('messages[1]', 'content')).toBe('messages[1].content');
  });

  it.each([
    ['recordAt', () => recordAt('x', 'a.b'), 'a.b', 'must be an object'],
    ['arrayAt', () => arrayAt({}, 'tools'), 'tools', 'must be an array'],
    ['stringAt', () => stringAt(3, 'model'), 'model', 'must be a string'],
    [
      'optionalNumber',
      () => optionalNumber('1', 'top_p'),
      'top_p',
      'must be a number',
    ],
    [
      'optionalBoolean',
      () => optionalBoolean('yes', 'stream'),
      'stream',
      'must be true or false',
    ],
  ])('%s names the field it refuses', (_name, fn, field, reason) => {
    const error = errorOf(fn);
    expect(error.field).toBe(field);
    expect(error.message).toBe(`${field}: ${reason}`);
  });

  it('reads null and undefined as absent', () => {
    expect(optionalString(null, 'x')).toBeUndefined();
    expect(optionalNumber(undefined, 'x')).toBeUndefined();
    expect(optionalBoolean(null, 'x')).toBeUndefined();
    expect(optionalRecord(null, 'x')).toBeUndefined();
  });

  it('reads stop as a string or a list', () => {
    expect(stopSequences('END', 'stop')).toEqual(['END']);
    expect(stopSequences(['a', 'b'], 'stop')).toEqual(['a', 'b']);
    expect(stopSequences(null, 'stop')).toBeUndefined();
    expect(errorOf(() => stopSequences(['a', 1], 'stop')).field).toBe(
      'stop[1]',
    );
  });
});
