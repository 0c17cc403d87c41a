import { EnvReader } from './env-reader';

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/**
 * `name=value` pairs separated by commas, values percent-encoded: the format of
 * `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`. A bad entry is
 * reported by its position, never echoed: header values are credentials.
 */
function readPairs(env: EnvReader, name: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  const raw = env.string(name);
  if (raw === undefined) return pairs;
  raw.split(',').forEach((entry, i) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    let value: string | undefined;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      value = undefined;
    }
    if (!key || value === undefined || /[\r\n]/.test(value)) {
      env.problems.push(
        `${name} must be a comma-separated list of name=value (entry ${i + 1} is not)`,
      );
      return;
    }
    pairs[key] = value;
  });
  return pairs;
}

/** Where spans go: the traces endpoint as it is, else the base endpoint's `/v1/traces`. */
function readEndpoint(env: EnvReader): string | undefined {
  for (const [name, suffix] of [
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ''],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'v1/traces'],
  ] as const) {
    const raw = env.string(name);
    if (raw === undefined) continue;
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      env.problems.push(`${name} must be an absolute http:// or https:// URL`);
      return undefined;
    }
    if (!suffix) return raw;
    return `${raw.replace(/\/+$/, '')}/${suffix}`;
  }
  return undefined;
}

function readSamplerArg(env: EnvReader, sampler: SamplerName): number {
  const raw = env.string('OTEL_TRACES_SAMPLER_ARG');
  if (raw === undefined || !sampler.endsWith('traceidratio')) return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    env.problems.push(
      `OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 (got "${raw}")`,
    );
    return 1;
  }
  return ratio;
}

/**
 * OpenTelemetry traces, configured only by the standard variables (SPEC §15).
 * Without an endpoint (or with `OTEL_SDK_DISABLED=true`) tracing is off and the
 * SDK is never loaded.
 */
export function readTracingConfig(env: EnvReader) {
  const endpoint = readEndpoint(env);
  const sampler = env.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, SAMPLERS[0]);
  const disabled = env.boolean('OTEL_SDK_DISABLED', false);
  return {
    /** The OTLP/HTTP traces URL; undefined: tracing is off. */
    endpoint: disabled ? undefined : endpoint,
    protocol: env.oneOf(
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      OTLP_PROTOCOLS,
      'http/protobuf',
    ),
    /** Sent with every export (a collector's credentials): never logged. */
    headers: readPairs(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
    serviceName: env.string('OTEL_SERVICE_NAME') ?? 'copilot-proxy',
    resourceAttributes: readPairs(env, 'OTEL_RESOURCE_ATTRIBUTES'),
    sampler,
    samplerRatio: readSamplerArg(env, sampler),
    /** Prompt and completion text on spans (`gen_ai.input.messages`, …). */
    captureContent: env.boolean(
      'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
      false,
    ),
  };
}
export type TracingConfig = ReturnType<typeof readTracingConfig>;
