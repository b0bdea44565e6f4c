/**
 * Cost of a cache hit for a 1 KB answer: key hashing alone, the `cache` middleware alone through
 * `compose`, and a full `createClient().chat()` / `stream()` hit; the miss path (a unique request
 * per call, answered, recorded and stored); plus memory held per 10 000 entries. Target:
 * ≥ 500 000 hits per CPU-second in-process (CPU time: the process's user + system, its GC threads
 * included).
 *
 * Run: `npm run build -w @lifeline/core -w @lifeline/cache && npx node --expose-gc bench/cache.bench.ts`
 * (`--baseline=<dir>`: also the hit through another checkout's build, beside this one)
 */
import { Context, compose, createClient, type Adapter, type ChatChunk, type ChatRequest, type ChatResponse, type Next } from '@lifeline/core';
import { cache, cacheKey, memoryStore } from '@lifeline/cache';
import { measure } from 'mitata';
import { median } from './lib/stats.ts';

const ANSWER = 'The capital of France is Paris. '.repeat(32).slice(0, 1024); // 1 KB of text
const response: ChatResponse = {
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'gpt-4.1-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 42, completion_tokens: 256, total_tokens: 298 },
};
const words = ANSWER.match(/.{1,20}/g)!; // ~52 content chunks, as a provider would stream them
const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4.1-mini' };
const chunks: ChatChunk[] = [
  { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ...words.map((w): ChatChunk => ({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })),
  { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { ...base, choices: [], usage: response.usage! },
];
const adapter: Adapter = {
  name: 'inproc', kind: 'inproc',
  chat: async () => response,
  stream: async () => (async function* () { yield* chunks; })(),
};
const request: ChatRequest = {
  model: 'gpt-4.1-mini',
  messages: [
    { role: 'system', content: 'You are a concise geography assistant. Answer in one paragraph.' },
    { role: 'user', content: 'What is the capital of France, and why did it become the capital?' },
  ],
  temperature: 0,
  max_tokens: 512,
};
const streamRequest: ChatRequest = { ...request, messages: [...request.messages, { role: 'user', content: 'stream it' }] };

// Warm entries: one JSON answer, one streamed answer.
const answers = cache({ ttlMs: 3_600_000 });
const client = createClient({ adapter, use: [answers] });
await client.chat(request);
for await (const _ of client.stream(streamRequest)) { /* record */ }
const pipeline = compose([answers]);
const terminal: Next = async () => { throw new Error('a hit never reaches the terminal'); };

// Misses: a unique request per call (one more user message), through a cache of its own.
const missCache = cache({ ttlMs: 3_600_000 });
const missClient = createClient({ adapter, use: [missCache] });
const bareClient = createClient({ adapter });
let q = 0;
const unique = (): ChatRequest => ({ ...request, messages: [...request.messages, { role: 'user', content: `question ${q++}` }] });

// `--baseline=<dir>` (or `BENCH_BASELINE=<dir>`): the same hit through another checkout's build, measured beside this one.
const baselineDir = process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
const baseHit = baselineDir
  ? await (async () => {
      const [core, cacheMod] = await Promise.all(['core', 'cache'].map((pkg) => import(`${baselineDir}/packages/${pkg}/dist/index.js`)));
      const c = core.createClient({ adapter, use: [cacheMod.cache({ ttlMs: 3_600_000 })] }) as typeof client;
      await c.chat(request);
      return () => c.chat(request);
    })()
  : undefined;

const BASE_HIT = 'baseline build: createClient({ use: [cache] }).chat() (hit)';
// The baseline build's hit runs right after this build's, before the miss cases fill the heap
// (measured after them, it paid their garbage collection: up to 1.4x its own cost).
const cases: Array<[string, () => unknown]> = [
  ['cacheKey(request)  (canonical JSON + sha256)', () => cacheKey(request)],
  ['cache middleware alone via compose (hit)', () => pipeline(new Context({ request }), terminal)],
  ['createClient({ use: [cache] }).chat() (hit)', () => client.chat(request)],
  ...(baseHit ? [[BASE_HIT, baseHit] as [string, () => unknown]] : []),
  ['createClient().stream() hit, replay 55 chunks', async () => { for await (const _ of client.stream(streamRequest)) { /* replay */ } }],
  ['createClient({ use: [cache] }).chat() (miss: unique request, stored)', () => missClient.chat(unique())],
  ['createClient().stream() miss, record + store 55 chunks', async () => { for await (const _ of missClient.stream(unique())) { /* record */ } }],
  ['baseline: createClient({ adapter }).chat(), unique request, no cache', () => bareClient.chat(unique())],
  ['baseline: createClient({ adapter }).stream(), unique request, no cache', async () => { for await (const _ of bareClient.stream(unique())) { /* pass */ } }],
  ['baseline: createClient({ adapter }).chat(), no cache', () => bareClient.chat(request)],
];

/** Sequential calls timed by this process's CPU time (user + system): steadier than wall time on a shared 2-core box. */
async function cpuNsPerCall(fn: () => unknown, calls: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const r = fn();
    if (r instanceof Promise) await r;
  }
  const cpu = process.cpuUsage(cpu0);
  return ((cpu.user + cpu.system) * 1000) / calls;
}

const results: Array<{ name: string; ns: number; cpuNs: number }> = [];
for (const [name, fn] of cases) {
  // No forced GC before a case (mitata collects first when `gc()` is exposed): a forced GC deoptimises
  // most optimised code, and the case would be measured re-warming (`gc()` is exposed for the memory figure below).
  const stats = await measure(fn, { min_cpu_time: 500 * 1e6, gc: false });
  // CPU per call: the median of three runs of 100,000 calls.
  const cpuNs = median([await cpuNsPerCall(fn, 100_000), await cpuNsPerCall(fn, 100_000), await cpuNsPerCall(fn, 100_000)]);
  results.push({ name, ns: stats.avg, cpuNs });
}
const stats = answers.stats();
if (stats.misses !== 2) throw new Error(`expected only the 2 warm-up misses, got ${stats.misses}`);
const missStats = missCache.stats();
if (missStats.hits !== 0 || missStats.coalesced !== 0 || missStats.stored !== missStats.misses) {
  throw new Error(`expected every miss-path call to miss and be stored, got ${JSON.stringify(missStats)}`);
}

console.log(`\nLifeline cache — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log('| case | per call (mitata avg) | calls/s (wall) | CPU per call | calls per CPU-second |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.name} | ${(r.ns / 1000).toFixed(3)} µs | ${fmt(1e9 / r.ns)} | ${(r.cpuNs / 1000).toFixed(3)} µs | ${fmt(1e9 / r.cpuNs)} |`);
}
/** The result of the case whose name starts with `prefix`. */
const result = (prefix: string) => results.find((r) => r.name.startsWith(prefix))!;
const bare = result('baseline: createClient({ adapter }).chat(), no cache');
const miss = result('createClient({ use: [cache] }).chat() (miss');
const streamMiss = result('createClient().stream() miss');
// Judged as the target names it: hits per CPU-second (the wall-clock rate is in the table beside it;
// it leaves out the GC's helper threads).
for (const r of [result('cache middleware alone'), result('createClient({ use: [cache] }).chat() (hit)')]) {
  const rate = 1e9 / r.cpuNs;
  console.log(`${r.name}: ${fmt(rate)} hits per CPU-second (target ≥ 500,000): ${rate >= 500_000 ? 'OK' : 'UNDER'}; ` +
    `${(r.cpuNs / bare.cpuNs).toFixed(2)}× an uncached in-process call; wall clock ${fmt(1e9 / r.ns)} hits/s`);
}
if (baseHit) {
  const r = result(BASE_HIT);
  console.log(`${r.name}: ${fmt(1e9 / r.cpuNs)} hits per CPU-second; this build's hit costs ${(result('createClient({ use: [cache] }).chat() (hit)').cpuNs / r.cpuNs).toFixed(2)}× the baseline build's (${baselineDir})`);
}
for (const [m, b] of [[miss, result('baseline: createClient({ adapter }).chat(), unique')], [streamMiss, result('baseline: createClient({ adapter }).stream()')]] as const) {
  console.log(`${m.name}: cache adds ${((m.cpuNs - b.cpuNs) / 1000).toFixed(3)} µs CPU per call over the uncached call`);
}

// Memory: 10 000 distinct 1 KB answers in the memory store.
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.log('\n(run with node --expose-gc for the memory figure)');
else {
  const store = memoryStore({ maxEntries: 20_000, maxBytes: 1 << 30 });
  const filler = cache({ ttlMs: 3_600_000, store });
  const fill = createClient({ adapter: { ...adapter, chat: async (r) => ({ ...response, id: r.messages.length.toString() }) }, use: [filler] });
  /** Heap in use once garbage is gone: collected a few times across turns, so nothing pending (weak refs, finalizers) skews it. */
  const settledHeap = async (): Promise<number> => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    return process.memoryUsage().heapUsed;
  };
  const before = await settledHeap();
  for (let i = 0; i < 10_000; i++) {
    await fill.chat({ ...request, messages: [...request.messages, { role: 'user', content: `question ${i}` }] });
  }
  const after = await settledHeap();
  const { entries, bytes } = store.stats();
  const heap = after - before;
  console.log(`\nmemory for ${entries} entries of a 1 KB answer, never read (held as JSON): heap +${(heap / 1048576).toFixed(1)} MiB (${Math.round(heap / entries)} B/entry); ` +
    `store-counted bytes ${(bytes / 1048576).toFixed(1)} MiB (${Math.round(bytes / entries)} B/entry); heap/counted = ${(heap / bytes).toFixed(2)}×`);
  // Each entry read once: the store now holds it as one parsed, frozen object (its JSON is released).
  for (let i = 0; i < 10_000; i++) {
    const hit = await fill.chat({ ...request, messages: [...request.messages, { role: 'user', content: `question ${i}` }] });
    if (hit.meta.cache !== 'hit') throw new Error(`expected a hit for question ${i}, got ${hit.meta.cache}`);
  }
  // Measured against the heap once the store is cleared (not against `before`: the heap left by
  // the timed cases above keeps shrinking over these collections).
  const withEntries = await settledHeap();
  store.clear();
  const read = withEntries - (await settledHeap());
  console.log(`memory for the same entries after one read each (held parsed and frozen): heap +${(read / 1048576).toFixed(1)} MiB (${Math.round(read / entries)} B/entry); ` +
    `heap/counted = ${(read / bytes).toFixed(2)}×`);
}
