import { runRule } from '../__fixtures__/run-rule';
import type { CompatApi, CompatRule } from '../compat-rule';
import { stripBackground } from './strip-background';
import { stripInferenceGeo } from './strip-inference-geo';
import { stripServiceTier } from './strip-service-tier';
import { stripSpeed } from './strip-speed';

describe.each<[string, CompatRule, CompatApi, string, string]>([
  ['stripSpeed', stripSpeed, 'messages', 'speed', '"fast"'],
  ['stripInferenceGeo', stripInferenceGeo, 'messages', 'inference_geo', '"us"'],
  [
    'stripServiceTier',
    stripServiceTier,
    'responses',
    'service_tier',
    '"priority"',
  ],
  ['stripBackground', stripBackground, 'responses', 'background', 'true'],
])('%s', (_, rule, api, field, value) => {
  it(`removes ${field} and nothing else`, () => {
    const body = `{"model":"m", "${field}": ${value},"input":"hi"}`;
    const out = runRule(rule, api, body);
    expect(out.changed).toBe(true);
    expect(out.body).toBe('{"model":"m", "input":"hi"}');
  });

  it(`leaves a body without ${field} alone`, () => {
    expect(runRule(rule, api, '{"model":"m"}').changed).toBe(false);
  });
});
