import {
  numberOf,
  objectOf,
  objectsOf,
  parseObject,
  stringOf,
  textOf,
} from './json-fields';

describe('json-fields', () => {
  it('objectOf takes plain objects only', () => {
    expect(objectOf({ a: 1 })).toEqual({ a: 1 });
    expect(objectOf([1])).toBeUndefined();
    expect(objectOf(null)).toBeUndefined();
    expect(objectOf('x')).toBeUndefined();
  });

  it('objectsOf keeps the objects of an array', () => {
    expect(objectsOf([{ a: 1 }, 2, null, { b: 2 }])).toEqual([
      { a: 1 },
      { b: 2 },
    ]);
    expect(objectsOf({ a: 1 })).toEqual([]);
  });

  it('stringOf, textOf and numberOf check the type', () => {
    expect(stringOf('')).toBe('');
    expect(stringOf(1)).toBeUndefined();
    expect(textOf('')).toBeUndefined();
    expect(textOf('a')).toBe('a');
    expect(numberOf(3)).toBe(3);
    expect(numberOf(Number.NaN)).toBeUndefined();
    expect(numberOf('3')).toBeUndefined();
  });

  it('parseObject reads a JSON object and nothing else', () => {
    expect(parseObject('{"a":1}')).toEqual({ a: 1 });
    expect(parseObject('[1]')).toBeUndefined();
    expect(parseObject('not json')).toBeUndefined();
  });
});
