/**
 * Per-call cost of `otel()`: with the no-op API (no SDK registered: must stay under 1 µs), and with
 * a real SDK (tracer provider + batch span processor, meter provider + reader) reported as a ratio
 * to the same client without `otel()`, measured in the same run. In-process adapter, so the figures
 * are the pipeline's own cost; a last pair runs the same over loopback HTTP (mock provider in this
 * process), to show what a real call pays. The SDK's exporters discard what they get.
 * Run: `npm run build && node bench/otel.bench.ts` (or `npm run bench:otel -w bench`).
 */
import { openai } from '@lifeline/adapters';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { Context, createClient, type Adapter, type ChatResponse, type Middleware } from '@lifeline/core';
import { otel } from '@lifeline/otel';
import { retry } from '@lifeline/retry';
import { startMockProvider } from '@lifeline/testing';
import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

const response: ChatResponse = {
  id: 'x', object: 'chat.completion', created: 0, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};
const adapter: Adapter = {
  name: 'inproc', kind: 'openai', baseURL: 'https://api.example.com/v1',
  chat: async () => response,
  stream: async () => { throw new Error('not used'); },
};
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 64, temperature: 0.2 };

/** Exporters that accept and drop everything: the SDK's work is measured, not a network's. */
const spanSink: SpanExporter = { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} };
const metricSink: PushMetricExporter = {
  export: (_metrics, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

/**
 * CPU time per call (user + system, so other processes on a busy machine do not count), as the
 * median of interleaved rounds: every case of a group runs once per round, in turn.
 */
async function cpuNsPerCall(groups: Array<Array<() => Promise<unknown>>>, calls: number, rounds: number): Promise<number[][]> {
  const samples = groups.map((g) => g.map(() => [] as number[]));
  for (let r = 0; r < rounds; r++) {
    for (const [gi, group] of groups.entries()) {
      for (const [ci, fn] of group.entries()) {
        const before = process.cpuUsage();
        for (let i = 0; i < calls; i++) await fn();
        const used = process.cpuUsage(before);
        samples[gi]![ci]!.push(((used.user + used.system) * 1000) / calls);
      }
    }
  }
  return samples.map((g) => g.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]!));
}

const quick = process.argv.includes('--quick');
const [CALLS, ROUNDS] = quick ? [5_000, 5] : [20_000, 11];
const rows: Array<{ name: string; ns: number; base: number }> = [];
const report = (name: string, ns: number, base: number) => rows.push({ name, ns, base });

// 1. No SDK registered: the API's no-op providers. Nothing has subscribed to Lifeline's channels yet.
const ctx = new Context({ request });
const next = async () => {};
const plain: Middleware = async function plain(_ctx, n) { return n(); };
const noopOtel = otel();
const bare = createClient({ adapter });
const noop = createClient({ adapter, use: [otel()] });
const stack = [retry({ budget: false }), circuitBreaker()];
const bareStack = createClient({ adapter, use: stack });
const noopStack = createClient({ adapter, use: [otel(), ...stack] });
const [mw, simple, full] = await cpuNsPerCall(
  [
    [() => plain(ctx, next), () => noopOtel(ctx, next)],
    [() => bare.chat(request), () => noop.chat(request)],
    [() => bareStack.chat(request), () => bareStack.chat(request).then(() => noopStack.chat(request))],
  ],
  CALLS,
  ROUNDS,
);
report('a pass-through middleware (ctx, next) — baseline', mw![0]!, mw![0]!);
report('otel() middleware alone, no SDK (no-op API)', mw![1]!, mw![0]!);
report('createClient({ adapter }).chat() — baseline', simple![0]!, simple![0]!);
report('… + otel(), no SDK', simple![1]!, simple![0]!);
report('retry + circuitBreaker — baseline', full![0]!, full![0]!);
// (the second case ran both clients: subtract the baseline it includes)
report('… + otel(), no SDK', full![1]! - full![0]!, full![0]!);
const noopAdded = mw![1]! - mw![0]!;

// 2. A real SDK: batch span processor and a metric reader (both exporting to sinks).
const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: spanSink, maxQueueSize: 65_536, maxExportBatchSize: 2_048, scheduledDelayMillis: 200 })] });
const meterProvider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: metricSink, exportIntervalMillis: 1_000 })] });
const traced = createClient({ adapter, use: [otel({ tracerProvider, meterProvider })] });
const tracedStack = createClient({ adapter, use: [otel({ tracerProvider, meterProvider }), ...stack] });
await traced.chat(request); // subscribes to Lifeline's channels: the baselines below pay that too
const [sdkSimple, sdkFull] = await cpuNsPerCall(
  [
    [() => bare.chat(request), () => traced.chat(request)],
    [() => bareStack.chat(request), () => tracedStack.chat(request)],
  ],
  CALLS,
  ROUNDS,
);
report('createClient({ adapter }).chat() — baseline (SDK running)', sdkSimple![0]!, sdkSimple![0]!);
report('… + otel() with SDK: 2 spans + 4 metric records per call', sdkSimple![1]!, sdkSimple![0]!);
report('retry + circuitBreaker — baseline (SDK running)', sdkFull![0]!, sdkFull![0]!);
report('… + otel() with SDK', sdkFull![1]!, sdkFull![0]!);

// 3. The same over loopback HTTP (OpenAI adapter → mock provider in this process): what a real call pays.
const mock = await startMockProvider();
const http = openai({ name: 'primary', baseURL: mock.url, apiKey: 'test-key' });
const bareHttp = createClient({ adapter: http });
const tracedHttp = createClient({ adapter: http, use: [otel({ tracerProvider, meterProvider })] });
const [overHttp] = await cpuNsPerCall([[() => bareHttp.chat(request), () => tracedHttp.chat(request)]], Math.max(500, CALLS / 10), ROUNDS);
report('over loopback HTTP: createClient({ openai adapter }).chat() — baseline (SDK running)', overHttp![0]!, overHttp![0]!);
report('… + otel() with SDK', overHttp![1]!, overHttp![0]!);
await http.close();
await mock.close();
await tracerProvider.shutdown();
await meterProvider.shutdown();

console.log(`\n@lifeline/otel — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
console.log(`CPU time per call, median of ${ROUNDS} interleaved rounds of ${CALLS} calls`);
console.log('| case | per call | vs its baseline | added |');
console.log('|---|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${(r.ns / 1000).toFixed(3)} µs | ${(r.ns / r.base).toFixed(2)}× | ${((r.ns - r.base) / 1000).toFixed(3)} µs |`);
}
console.log(`\notel() with the no-op API: +${(noopAdded / 1000).toFixed(3)} µs per call (target < 1 µs): ${noopAdded < 1000 ? 'OK' : 'OVER'}`);
console.log(`otel() with a real SDK + batch processor: ${(rows[7]!.ns / rows[6]!.ns).toFixed(2)}× the same in-process client without it (+${((rows[7]!.ns - rows[6]!.ns) / 1000).toFixed(2)} µs per call); over loopback HTTP ${(rows[11]!.ns / rows[10]!.ns).toFixed(2)}×`);
