import { LabelChildren } from './label-children';

describe('LabelChildren', () => {
  it('resolves each label set once and hands back the same child after', () => {
    const resolve = jest.fn((values: string[]) => ({ values }));
    const children = new LabelChildren(resolve);
    const a = children.get('POST', 'chat', '200');
    expect(children.get('POST', 'chat', '200')).toBe(a);
    const b = children.get('POST', 'chat', '500');
    expect(b).not.toBe(a);
    expect(children.get('chat')).not.toBe(a);
    expect(resolve.mock.calls).toEqual([
      [['POST', 'chat', '200']],
      [['POST', 'chat', '500']],
      [['chat']],
    ]);
  });

  it('tells label sets apart whose joined text would be the same', () => {
    const children = new LabelChildren((values: string[]) => ({ values }));
    expect(children.get('a b', 'c')).not.toBe(children.get('a', 'b c'));
  });
});
