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

describe('JsonEdits: renames and appends', () => {
  it('renames a member in place, its value and every other byte kept', () => {
    expect(
      edit('{"a":1, "max_tokens" : 5 ,"b":2}', (e) =>
        e.rename(['max_tokens'], 'max_completion_tokens'),
      ),
    ).toBe('{"a":1, "max_completion_tokens" : 5 ,"b":2}');
    expect(edit('{"a":1}', (e) => e.rename(['nope'], 'x'))).toBe('{"a":1}');
  });

  it('appends elements past the end of an array, in the order set', () => {
    expect(
      edit('{"s":[ ]}', (e) => {
        e.set(['s', 0], 'a');
        e.set(['s', 1], 'b');
      }),
    ).toBe('{"s":[ "a","b"]}');
    expect(edit('[1]', (e) => e.set([1], { t: 2 }))).toBe('[1,{"t":2}]');
  });

  it('reads each container once, however many edits land in it', () => {
    const blocks = Array.from(
      { length: 5000 },
      (_, i) =>
        `{"type":"text","text":"${i}","cache_control":{"type":"ephemeral","ttl":"1h"}}`,
    );
    const body = Buffer.from(
      `{"messages":[{"role":"user","content":[${blocks.join(',')}]}]}`,
    );
    const edits = new JsonEdits();
    for (let i = 0; i < blocks.length; i++)
      edits.remove(['messages', 0, 'content', i, 'cache_control', 'ttl']);
    const stats = { containersRead: 0 };
    const out = edits.apply(body, stats)!.toString();
    expect(out).not.toContain('ttl');
    expect(JSON.parse(out).messages[0].content[4999]).toEqual({
      type: 'text',
      text: '4999',
      cache_control: { type: 'ephemeral' },
    });
    // root, messages, the message, content, and each block's cache_control
    // (blocks themselves are read only to reach it): linear in the edits.
    expect(stats.containersRead).toBeLessThanOrEqual(4 + 2 * blocks.length);
  });
});
