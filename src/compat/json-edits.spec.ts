import { JsonEdits, valueAt } from './json-edits';

function edit(body: string, build: (edits: JsonEdits) => void): string {
  const edits = new JsonEdits();
  build(edits);
  const out = edits.apply(Buffer.from(body));
  if (!out) throw new Error('path did not fit');
  const text = out.toString();
  JSON.parse(text); // still JSON
  return text;
}

describe('JsonEdits', () => {
  it('replaces one value and keeps every other byte', () => {
    const body = '{ "a" : 1,\n  "store":true , "b":"x\\u00e9"}';
    expect(edit(body, (e) => e.set(['store'], false))).toBe(
      '{ "a" : 1,\n  "store":false , "b":"x\\u00e9"}',
    );
  });

  it('adds a missing member last, in an empty object too', () => {
    expect(edit('{"a":1}', (e) => e.set(['store'], false))).toBe(
      '{"a":1,"store":false}',
    );
    expect(edit('{ }', (e) => e.set(['p'], {}))).toBe('{ "p":{}}');
    expect(
      edit('{"tools":[{"parameters":{"type":"object"}}]}', (e) =>
        e.set(['tools', 0, 'parameters', 'properties'], {}),
      ),
    ).toBe('{"tools":[{"parameters":{"type":"object","properties":{}}}]}');
  });

  it.each([
    ['first', '{"a":1, "b":2, "c":3}', ['a'], '{"b":2, "c":3}'],
    ['middle', '{"a":1, "b":2, "c":3}', ['b'], '{"a":1, "c":3}'],
    ['last', '{"a":1, "b":2, "c":3}', ['c'], '{"a":1, "b":2}'],
    ['only', '{ "a" : [1] }', ['a'], '{  }'],
  ])('removes the %s member', (_, body, path, expected) => {
    expect(edit(body, (e) => e.remove(path))).toBe(expected);
  });

  it('removes several members and elements of one container', () => {
    expect(
      edit('{"a":1,"b":2,"c":3}', (e) => {
        e.remove(['b']);
        e.remove(['c']);
      }),
    ).toBe('{"a":1}');
    expect(
      edit('[1, 2, 3, 4]', (e) => {
        e.remove([1]);
        e.remove([3]);
      }),
    ).toBe('[1, 3]');
    expect(
      edit('{"a":1,"b":2}', (e) => {
        e.remove(['a']);
        e.remove(['b']);
      }),
    ).toBe('{}');
  });

  it('follows escaped keys and nested strings with brackets', () => {
    const body = '{"x":"]}\\"{","k\\u0065y":{"n":null,"v":-1.5e3}}';
    expect(edit(body, (e) => e.set(['key', 'v'], 2))).toBe(
      '{"x":"]}\\"{","k\\u0065y":{"n":null,"v":2}}',
    );
    expect(valueAt(Buffer.from(body), ['key', 'n'])).toEqual({
      start: body.indexOf('null'),
      end: body.indexOf('null') + 4,
    });
  });

  it('drops an edit inside a value another edit removes', () => {
    expect(
      edit('{"t":{"a":1},"u":2}', (e) => {
        e.set(['t', 'a'], 5);
        e.remove(['t']);
      }),
    ).toBe('{"u":2}');
  });

  it('ignores the removal of what is absent and refuses a set that cannot fit', () => {
    expect(edit('{"a":1}', (e) => e.remove(['nope', 'x']))).toBe('{"a":1}');
    const edits = new JsonEdits();
    edits.set(['a', 'b'], 1);
    expect(edits.apply(Buffer.from('{"a":[1]}'))).toBeUndefined();
  });
});
