/**
 * CPU per call of `meter()`: an in-process adapter (no network) through `createClient`, with and
 * without `meter()`, JSON and streams, plus `defaultCatalog.get()` alone. Every case runs in the
 * same process, in interleaved rounds; the figure is the median over rounds of this process's CPU
 * time (user + system, `process.cpuUsage`) divided by the calls made.
 *
 * Run (from packages/pricing): `npm run build && npx node bench/meter.bench.ts [--quick]`.
 * `BENCH_OUT=file.json` also writes the figures as JSON. `PRICING_ENTRY=path/to/index.js` measures
 * another build of the package (e.g. a copy of `dist/index.js` from before a change, placed inside
 * the repository so that its imports resolve).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type Adapter, type ChatChunk, type ChatRequest, type ChatResponse } from '@lifeline/core';

const entry = process.env.PRICING_ENTRY;
const { defaultCatalog, Ledger, meter } = (await import(entry ? pathToFileURL(resolve(entry)).href : '@lifeline/pricing')) as typeof import('@lifeline/pricing');

const quick = process.argv.includes('--quick');
const rounds = quick ? 7 : 21;
const usage = { prompt_tokens: 42, completion_tokens: 256, total_tokens: 298, prompt_tokens_details: { cached_tokens: 16 } };
const response: ChatResponse = {
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1, model: 'gpt-4.1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.' }, finish_reason: 'stop', logprobs: null }],
  usage,
};
const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk' as const, created: 1, model: 'gpt-4.1' };
const chunks: ChatChunk[] = [
  { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ...Array.from({ length: 23 }, (_, i): ChatChunk => ({ ...base, choices: [{ index: 0, delta: { content: `word${i} ` }, finish_reason: null }] })),
  { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  { ...base, choices: [], usage },
];
const inProcess: Adapter = {
  name: 'inproc', kind: 'inproc',
  chat: async () => response,
  stream: async () => (async function* () { yield* chunks; })(),
};
const request: ChatRequest = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'What is the capital of France?' }] };

const bare = createClient({ adapter: inProcess });
const metered = createClient({ adapter: inProcess, use: [meter()] });
const ledgered = createClient({ adapter: inProcess, use: [meter({ ledger: new Ledger() })] });
const drain = async (stream: AsyncIterable<ChatChunk> & { result: Promise<unknown> }) => {
  for await (const _ of stream) void _;
  await stream.result;
};

interface Case {
  name: string;
  /** Calls per round. */
  n: number;
  run: () => unknown;
  /** The case this one adds to (its "added" column is the difference). */
  over?: string;
}
const N = quick ? 10_000 : 40_000;
const cases: Case[] = [
  { name: "defaultCatalog.get('gpt-4.1')", n: N * 5, run: () => defaultCatalog.get('gpt-4.1') },
  { name: "defaultCatalog.get('deepseek-chat', { at })  (time-of-day prices)", n: N * 5, run: () => defaultCatalog.get('deepseek-chat', { at: Date.now() }) },
  { name: 'createClient({ adapter: inProcess }).chat()', n: N, run: () => bare.chat(request) },
  { name: 'createClient({ adapter: inProcess, use: [meter()] }).chat()', n: N, run: () => metered.chat(request), over: 'createClient({ adapter: inProcess }).chat()' },
  { name: 'createClient({ adapter: inProcess, use: [meter({ ledger })] }).chat()', n: N, run: () => ledgered.chat(request), over: 'createClient({ adapter: inProcess }).chat()' },
  { name: 'createClient({ adapter: inProcess }).stream(), 26 chunks', n: N / 4, run: () => drain(bare.stream(request)) },
  { name: 'createClient({ adapter: inProcess, use: [meter()] }).stream(), 26 chunks', n: N / 4, run: () => drain(metered.stream(request)), over: 'createClient({ adapter: inProcess }).stream(), 26 chunks' },
];

async function cpuNsPerCall(c: Case): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < c.n; i++) {
    const r = c.run();
    if (r instanceof Promise) await r;
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / c.n;
}

// Sanity: the metered client prices the call.
const check = await metered.chat(request);
if (check.meta.costUsd !== 0.002108) throw new Error(`unexpected cost ${check.meta.costUsd}`);

for (const c of cases) await cpuNsPerCall({ ...c, n: Math.ceil(c.n / 5) }); // warm-up
const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let r = 0; r < rounds; r++) {
  for (const c of cases) samples.get(c.name)!.push(await cpuNsPerCall(c));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = cases.map((c) => ({ name: c.name, ns: median(samples.get(c.name)!), best: Math.min(...samples.get(c.name)!), over: c.over }));
const byName = new Map(results.map((r) => [r.name, r]));

const fmt = (ns: number) => (ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
console.log(`\nmeter() CPU per call — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}, ${rounds} interleaved rounds${entry ? `, pricing from ${entry}` : ''}\n`);
console.log('| case | CPU per call (median) | added by meter (median) | CPU per call (best round) | added by meter (best) |');
console.log('|---|---:|---:|---:|---:|');
for (const r of results) {
  const over = r.over ? byName.get(r.over)! : undefined;
  console.log(`| ${r.name} | ${fmt(r.ns)} | ${over ? fmt(r.ns - over.ns) : '—'} | ${fmt(r.best)} | ${over ? fmt(r.best - over.best) : '—'} |`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ rounds, results }, null, 2));
