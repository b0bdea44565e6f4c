/**
 * CPU per streamed chunk of the gateway's default route stack in process (no HTTP server): the
 * route client `buildPipeline` makes from a config with one OpenAI-compatible provider (the mock,
 * in its own process), each chunk then turned into its SSE line as the gateway does. This build
 * against another built checkout (`--baseline=<dir>`), rounds interleaved (A B A B …) in one
 * process; short and long streams, so the per-chunk part is (long − short) / (chunks apart).
 *
 * Run: `npm run build && node bench/stream-stack.bench.ts --baseline=<dir> [--rounds=6] [--streams=200] [--concurrency=16] [--paced=ms]`
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProcess } from './lib/mock-process.ts';
import { median } from './lib/stats.ts';
import { numberArg, requiredBaseline, words } from './lib/args.ts';

const ROUNDS = numberArg('rounds', 6);
const STREAMS = numberArg('streams', 200);
const CONCURRENCY = numberArg('concurrency', 16);
const SHORT = 5;
const LONG = 105;
const baselineDir = requiredBaseline('stream-stack');
const root = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'test-key';
// `--paced=<ms>`: chunks that far apart (as real answers arrive), with `--concurrency` streams in flight.
const PACED_MS = numberArg('paced', 0);
const pacing = PACED_MS > 0 ? { stream: { chunkDelayMs: PACED_MS } } : {};
const mock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1, routes: { short: { reply: { text: words(SHORT) }, ...pacing }, long: { reply: { text: words(LONG) }, ...pacing } } });

type Build = { name: string; stream: (model: string, i: number) => Promise<number>; close: () => Promise<void> };
async function load(name: string, dir: string): Promise<Build> {
  const gateway = await import(join(dir, 'packages/gateway/dist/index.js'));
  const core = await import(join(dir, 'packages/core/dist/index.js'));
  const pipeline = gateway.buildPipeline(gateway.validateConfig({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] }));
  // As the gateway's server does: ask for chunk texts when the pipeline vouches for its chunks.
  const metadata = pipeline.chunksUnchanged && core.CHUNK_JSON ? { [core.CHUNK_JSON]: true } : {};
  const jsonOf: (c: object) => string = core.chunkJsonOf ? (c) => core.chunkJsonOf(c) ?? JSON.stringify(c) : (c) => JSON.stringify(c);
  return {
    name,
    async stream(model, i) {
      const client = pipeline.route(model).client;
      let bytes = 0;
      for await (const chunk of client.stream({ model, messages: [{ role: 'user', content: `stream ${i} ${Math.random()}` }] }, { metadata })) bytes += `data: ${jsonOf(chunk)}\n\n`.length;
      return bytes;
    },
    close: () => pipeline.close(),
  };
}
const builds = [await load('this build', root), await load('baseline build', baselineDir)];

async function round(b: Build, model: string): Promise<number> {
  let next = 0;
  const start = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < STREAMS) await b.stream(model, next++);
  }));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / STREAMS;
}

for (const b of builds) for (const m of ['short', 'long']) await round(b, m);
const cpu = new Map(builds.map((b) => [b.name, { short: [] as number[], long: [] as number[] }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
    cpu.get(b.name)!.short.push(await round(b, 'short'));
    cpu.get(b.name)!.long.push(await round(b, 'long'));
  }
}
await Promise.all(builds.map((b) => b.close()));
await mock.close();

console.log(`\nroute stack in process (client CPU incl. undici), ${STREAMS} streams × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${SHORT} vs ${LONG} words${PACED_MS ? `, ${PACED_MS} ms apart` : ''} (median)`);
console.log('| build | short µs/stream | long µs/stream | per chunk µs |');
const perChunk = (c: { short: number[]; long: number[] }) => (median(c.long) - median(c.short)) / (LONG - SHORT);
for (const b of builds) {
  const c = cpu.get(b.name)!;
  console.log(`| ${b.name} | ${median(c.short).toFixed(0)} | ${median(c.long).toFixed(0)} | ${perChunk(c).toFixed(2)} |`);
}
const [a, base] = builds.map((b) => cpu.get(b.name)!);
console.log(`this build / baseline: per chunk ${(perChunk(a!) / perChunk(base!)).toFixed(2)}×, long streams ${(median(a!.long) / median(base!.long)).toFixed(2)}×`);
