import { ConfigValidationError, parseSettings } from './settings';
import { EnvReader } from './env-reader';
import { readTracingConfig } from './tracing.config';

const read = (env: Record<string, string>) => {
  const reader = new EnvReader(env);
  return { config: readTracingConfig(reader), problems: reader.problems };
};

describe('readTracingConfig', () => {
  it('is off without an endpoint, with the standard defaults', () => {
    expect(read({})).toEqual({
      problems: [],
      config: {
        endpoint: undefined,
        protocol: 'http/protobuf',
        headers: {},
        serviceName: 'copilot-proxy',
        resourceAttributes: {},
        sampler: 'parentbased_always_on',
        samplerRatio: 1,
        captureContent: false,
      },
    });
  });

  it('sends to the base endpoint /v1/traces, or to the traces endpoint as it is', () => {
    expect(
      read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).config
        .endpoint,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      read({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
      }).config.endpoint,
    ).toBe('https://traces.example/otlp');
  });

  it('stays off with OTEL_SDK_DISABLED=true', () => {
    expect(
      read({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_SDK_DISABLED: 'true',
      }).config.endpoint,
    ).toBeUndefined();
  });

  it('reads headers and resource attributes percent-decoded, the sampler and its ratio', () => {
    const { config, problems } = read({
      OTEL_EXPORTER_OTLP_HEADERS:
        'Authorization=Basic%20abc%3D,x-tenant=team-a',
      OTEL_RESOURCE_ATTRIBUTES:
        'deployment.environment=prod,service.namespace=ai',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_SERVICE_NAME: 'gateway',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      headers: { Authorization: 'Basic abc=', 'x-tenant': 'team-a' },
      resourceAttributes: {
        'deployment.environment': 'prod',
        'service.namespace': 'ai',
      },
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      serviceName: 'gateway',
      protocol: 'http/json',
      captureContent: true,
    });
  });
});

describe('tracing settings at start', () => {
  it('lists every bad OTEL_* value with the rest, never echoing a header', () => {
    let problems: string[] = [];
    try {
      parseSettings({
        COPILOT_TOKEN: 't',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cret-value,%%%',
        OTEL_RESOURCE_ATTRIBUTES: 'novalue',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'maybe',
        PROXY_PORT: 'abc',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigValidationError);
      problems = (error as ConfigValidationError).problems;
    }
    const text = problems.join('\n');
    for (const name of [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_RESOURCE_ATTRIBUTES',
      'OTEL_TRACES_SAMPLER',
      'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
      'PROXY_PORT',
    ])
      expect(text).toContain(name);
    expect(problems).toHaveLength(7);
    expect(text).not.toContain('s3cret');
  });

  it('refuses a sampler ratio outside 0..1', () => {
    expect(
      read({
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '2',
      }).problems,
    ).toEqual([
      'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got "2")',
    ]);
  });
});
