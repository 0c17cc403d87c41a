import { runRule } from '../__fixtures__/run-rule';
import { fillToolProperties } from './fill-tool-properties';

describe('C13 fill-tool-properties', () => {
  it('adds properties: {} to an object schema without them', () => {
    const body =
      '{"tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object"}}},{"type":"function","function":{"name":"b","parameters":{"type":"object","properties":{"x":{}}}}}]}';
    const out = runRule(fillToolProperties, 'chat', body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe(
      body.replace('{"type":"object"}', '{"type":"object","properties":{}}'),
    );
  });

  it('leaves tools with properties, or without parameters, alone', () => {
    expect(
      runRule(
        fillToolProperties,
        'chat',
        '{"tools":[{"type":"function","function":{"name":"a"}}]}',
      ).changed,
    ).toBe(false);
  });
});
