import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { SamplerName, TracingConfig } from '../config/tracing.config';
import { SdkTracing } from './sdk-tracing';

function samplerOf(name: SamplerName, ratio: number): Sampler {
  const root = (bare: string): Sampler => {
    switch (bare) {
      case 'always_off':
        return new AlwaysOffSampler();
      case 'traceidratio':
        return new TraceIdRatioBasedSampler(ratio);
      default:
        return new AlwaysOnSampler();
    }
  };
  if (!name.startsWith('parentbased_')) return root(name);
  return new ParentBasedSampler({
    root: root(name.slice('parentbased_'.length)),
  });
}

/**
 * The OpenTelemetry Node SDK as the proxy runs it: a `NodeTracerProvider`
 * (`@opentelemetry/sdk-trace-node`; `@opentelemetry/sdk-node` and its
 * auto-instrumentations are not used) with one batch processor and an OTLP/HTTP
 * exporter, built from the settings alone. It is never registered as the global
 * provider: no context manager hooks every async operation, spans are parented
 * explicitly through the request's context, and two apps in one process (tests)
 * keep their own.
 */
export function createTracerProvider(
  config: TracingConfig,
): NodeTracerProvider {
  const Exporter =
    config.protocol === 'http/json' ? JsonExporter : ProtobufExporter;
  const exporter = new Exporter({
    url: config.endpoint,
    headers: config.headers,
  });
  return new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        ...config.resourceAttributes,
        'service.name': config.serviceName,
      }),
    ),
    sampler: samplerOf(config.sampler, config.samplerRatio),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}

/** Tracing on: the provider, and the service's side of it. */
export function createTracing(config: TracingConfig): SdkTracing {
  const provider = createTracerProvider(config);
  return new SdkTracing(provider.getTracer('copilot-proxy'), provider);
}
