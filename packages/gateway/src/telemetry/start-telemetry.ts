/**
 * `telemetry:` at work: the OpenTelemetry SDK's tracer and meter providers exporting over
 * OTLP/HTTP (JSON or protobuf), and the `otel()` middleware recording into them. The providers
 * are the gateway's own (not registered globally), so an application embedding the gateway keeps
 * its own SDK setup.
 * @module
 */
import type { Middleware } from '@lifeline/core';
import { otel } from '@lifeline/otel';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { TelemetryConfig } from '../config/telemetry.js';
import { incomingParent } from './incoming.js';

/** The gateway's telemetry, once started. */
export interface GatewayTelemetry {
  /** The `otel()` middleware, first in every route's stack. */
  readonly middleware: Middleware;
  readonly tracerProvider: TracerProvider;
  readonly meterProvider: MeterProvider;
  /** The export headers' values, scrubbed from every error and log line. */
  readonly secrets: readonly string[];
  /** Exports what is buffered and stops the exporters. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * Starts exporting traces and metrics as `config` says.
 *
 * @param config - the validated `telemetry:` section
 * @returns the middleware and the providers
 * @example
 * ```ts
 * const telemetry = startTelemetry({ otlp: { endpoint: 'http://127.0.0.1:4318', headers: {}, protocol: 'http/protobuf' }, serviceName: 'gw', propagateUpstream: false, captureContent: false, metricsIntervalMs: 60_000 });
 * const client = createClient({ adapter, use: [telemetry.middleware, retry()] });
 * ```
 */
export function startTelemetry(config: TelemetryConfig): GatewayTelemetry {
  const { endpoint, headers, protocol } = config.otlp;
  const json = protocol === 'http/json';
  const resource = resourceFromAttributes({ 'service.name': config.serviceName });
  const traces = { url: `${endpoint}/v1/traces`, headers: { ...headers } };
  const metrics = { url: `${endpoint}/v1/metrics`, headers: { ...headers } };
  const spanExporter = json ? new JsonTraceExporter(traces) : new ProtoTraceExporter(traces);
  const metricExporter = json ? new JsonMetricExporter(metrics) : new ProtoMetricExporter(metrics);
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: spanExporter })] });
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: config.metricsIntervalMs, exportTimeoutMillis: Math.min(30_000, config.metricsIntervalMs) })],
  });
  const propagator = new W3CTraceContextPropagator();
  const middleware = otel({
    tracerProvider,
    meterProvider,
    propagator,
    parent: (ctx) => incomingParent(ctx, propagator),
    propagateUpstream: config.propagateUpstream,
    captureContent: config.captureContent,
    // Tenants are the configured gateway keys: a bounded list, so cost per tenant is a fair metric.
    tenantInMetrics: true,
  });
  let stopping: Promise<void> | undefined;
  return {
    middleware,
    tracerProvider,
    meterProvider,
    secrets: Object.values(headers),
    shutdown() {
      stopping ??= Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]).then(() => undefined);
      return stopping;
    },
  };
}
