import { withProperties } from './tool-parameters';

describe('withProperties', () => {
  it('gives an object schema without properties an empty one (C13)', () => {
    expect(withProperties({ type: 'object' })).toEqual({
      type: 'object',
      properties: {},
    });
    expect(
      withProperties({ type: 'object', additionalProperties: false }),
    ).toEqual({ type: 'object', additionalProperties: false, properties: {} });
  });

  it('leaves any other schema as it is, the same object', () => {
    const full = { type: 'object', properties: { a: { type: 'string' } } };
    expect(withProperties(full)).toBe(full);
    const notObject = { anyOf: [{ type: 'string' }] };
    expect(withProperties(notObject)).toBe(notObject);
  });
});
