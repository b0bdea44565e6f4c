/**
 * A real OpenTelemetry SDK for the tests: the SDK's in-memory span exporter behind a simple
 * processor, a pull metric reader, and the async-hooks context manager. Spans come back as a
 * tree with times in ms relative to a start time, so tests assert exact shapes.
 */
import { type Attributes, context, type HrTime, SpanKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, type Histogram, MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Registers the async-hooks context manager once (context.with then survives awaits). */
export function useContextManager(): void {
  if (contextManager) return;
  contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
}

/** A metric reader the test pulls from. */
class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A span as the tests compare it. */
export interface SpanNode {
  name: string;
  kind: string;
  /** ms after `origin`. */
  start: number;
  end: number;
  status: { code: number; message?: string };
  attributes: Attributes;
  events: Array<{ name: string; at: number; attributes: Attributes }>;
  children: SpanNode[];
}

const ms = (t: HrTime) => t[0] * 1e3 + t[1] / 1e6;

/** A tracer provider and a meter provider recording in memory. */
export function testSdk() {
  useContextManager();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  function node(span: ReadableSpan, all: ReadableSpan[], origin: number): SpanNode {
    const id = span.spanContext().spanId;
    return {
      name: span.name,
      kind: SpanKind[span.kind]!,
      start: Math.round(ms(span.startTime) - origin),
      end: Math.round(ms(span.endTime) - origin),
      status: span.status.message === undefined ? { code: span.status.code } : { code: span.status.code, message: span.status.message },
      attributes: { ...span.attributes },
      events: span.events.map((e) => ({ name: e.name, at: Math.round(ms(e.time) - origin), attributes: { ...e.attributes } })),
      children: all
        .filter((s) => s.parentSpanContext?.spanId === id)
        .sort((a, b) => ms(a.startTime) - ms(b.startTime) || (Number(a.attributes['lifeline.attempt.number']) || 0) - (Number(b.attributes['lifeline.attempt.number']) || 0))
        .map((s) => node(s, all, origin)),
    };
  }

  return {
    exporter,
    tracerProvider,
    meterProvider,
    /** Every finished span. */
    spans: () => exporter.getFinishedSpans(),
    /** The finished spans whose parent is not among them, as trees; times relative to `origin` (epoch ms). */
    trees(origin: number): SpanNode[] {
      const all = exporter.getFinishedSpans();
      const ids = new Set(all.map((s) => s.spanContext().spanId));
      return all.filter((s) => !s.parentSpanContext || !ids.has(s.parentSpanContext.spanId)).map((s) => node(s, all, origin));
    },
    /** Collected metrics by name. */
    async metrics(): Promise<Map<string, MetricData>> {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, MetricData>();
      for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
      return out;
    },
    async shutdown(): Promise<void> {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

/** The data points of a metric as `{ attributes, value }` (histograms: count, sum, boundaries). */
export function points(metric: MetricData | undefined): Array<{ attributes: Attributes; value: unknown }> {
  if (!metric) return [];
  return (metric.dataPoints as Array<DataPoint<unknown>>).map((p) => {
    const v = p.value as number | Histogram;
    const value = typeof v === 'number' ? v : { count: v.count, sum: Math.round((v.sum ?? 0) * 1e6) / 1e6, boundaries: v.buckets.boundaries };
    return { attributes: { ...p.attributes }, value };
  });
}
