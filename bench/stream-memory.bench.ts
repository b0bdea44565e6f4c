/**
 * Memory per stream of the gateway's default route stack in process (no HTTP server; the mock in
 * its own process): bytes allocated per stream (what the GC has to clear), and JS heap retained
 * per in-flight stream (what sizes a process). This build against another built checkout
 * (`--baseline=<dir>`), measured one after the other in one process, rounds interleaved.
 *
 * - allocated: the heap's growth over a batch of streams (4 at a time) with the young generation
 *   made large enough that no collection runs during the batch (`--max-semi-space-size`), divided
 *   by the streams; unpaced 5-word and 105-word streams, and 40-chunk streams paced 100 ms apart.
 * - retained: `--inflight` paced streams opened at once, the heap measured after a full GC while all
 *   of them are in flight, minus the heap before, divided by the streams.
 *
 * The bench re-executes itself with `--expose-gc --max-semi-space-size=512` when started without.
 *
 * Run: `npm run build && node bench/stream-memory.bench.ts --baseline=<dir> [--rounds=3] [--streams=300] [--inflight=400]`
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { startMockProcess } from './lib/mock-process.ts';
import { median } from './lib/stats.ts';
import { numberArg, requiredBaseline, words } from './lib/args.ts';

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=512', '--min-semi-space-size=512', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const gc = globalThis.gc as () => void;

const ROUNDS = numberArg('rounds', 3);
const STREAMS = numberArg('streams', 300);
const INFLIGHT = numberArg('inflight', 400);
const baselineDir = requiredBaseline('stream-memory');
const root = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'test-key';
const mock = await startMockProcess({
  flavor: 'openai',
  apiKey,
  maxRecorded: 1,
  routes: { short: { reply: { text: words(5) } }, long: { reply: { text: words(105) } }, paced: { reply: { text: words(38) }, stream: { chunkDelayMs: 100 } } },
});

type Build = { name: string; stream: (model: string) => Promise<number>; close: () => Promise<void> };
let n = 0;
async function load(name: string, dir: string): Promise<Build> {
  const gateway = await import(join(dir, 'packages/gateway/dist/index.js'));
  const core = await import(join(dir, 'packages/core/dist/index.js'));
  const config = { providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey, connections: 10_000 } }, routes: [{ model: '*', targets: ['ok'] }] };
  const pipeline = gateway.buildPipeline(gateway.validateConfig(config));
  const metadata = pipeline.chunksUnchanged && core.CHUNK_JSON ? { [core.CHUNK_JSON]: true } : {};
  const jsonOf: (c: object) => string = core.chunkJsonOf ? (c) => core.chunkJsonOf(c) ?? JSON.stringify(c) : (c) => JSON.stringify(c);
  return {
    name,
    async stream(model) {
      let bytes = 0;
      // A new request each time (the cache's key differs), as distinct callers' are.
      const request = { model, messages: [{ role: 'user', content: `stream ${n++} ${Math.random()}` }] };
      for await (const chunk of pipeline.route(model).client.stream(request, { metadata })) bytes += `data: ${jsonOf(chunk)}\n\n`.length;
      return bytes;
    },
    close: () => pipeline.close(),
  };
}
const builds = [await load('this build', root), await load('baseline build', baselineDir)];

async function allocated(b: Build, model: string): Promise<number> {
  const concurrency = model === 'paced' ? STREAMS : 4;
  gc();
  gc();
  const before = v8.getHeapStatistics().used_heap_size;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < STREAMS) await b.stream(model);
  }));
  return (v8.getHeapStatistics().used_heap_size - before) / STREAMS;
}

async function retained(b: Build): Promise<number> {
  gc();
  gc();
  const before = v8.getHeapStatistics().used_heap_size;
  const all = Array.from({ length: INFLIGHT }, () => b.stream('paced'));
  await new Promise((r) => setTimeout(r, 1_500));
  gc();
  gc();
  const during = v8.getHeapStatistics().used_heap_size;
  await Promise.all(all);
  return (during - before) / INFLIGHT;
}

const MODELS = ['short', 'long', 'paced'] as const;
for (const b of builds) for (const m of MODELS) await allocated(b, m);
const figures = new Map(builds.map((b) => [b.name, { short: [] as number[], long: [] as number[], paced: [] as number[], retained: [] as number[] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
    const f = figures.get(b.name)!;
    for (const m of MODELS) f[m].push(await allocated(b, m));
    f.retained.push(await retained(b));
  }
}
await Promise.all(builds.map((b) => b.close()));
await mock.close();

const kb = (xs: number[]) => (median(xs) / 1024).toFixed(1);
console.log(`\nroute stack memory per stream in process, ${STREAMS} streams × ${ROUNDS} rounds, ${INFLIGHT} in flight (median, KB)`);
console.log('| build | allocated: 5 words | 105 words | 40 chunks paced | retained per in-flight stream |');
for (const b of builds) {
  const f = figures.get(b.name)!;
  console.log(`| ${b.name} | ${kb(f.short)} | ${kb(f.long)} | ${kb(f.paced)} | ${kb(f.retained)} |`);
}
const [a, base] = builds.map((b) => figures.get(b.name)!);
const ratio = (x: number[], y: number[]) => (median(x) / median(y)).toFixed(2);
console.log(`this build / baseline: allocated ${ratio(a!.short, base!.short)}× (5 words), ${ratio(a!.long, base!.long)}× (105 words), ${ratio(a!.paced, base!.paced)}× (paced); retained ${ratio(a!.retained, base!.retained)}×`);
