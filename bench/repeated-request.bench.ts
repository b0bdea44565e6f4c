/**
 * A request asked again and again (the same prompt: a retrying client, a popular question, a
 * health probe) through the gateway's default route stack in process (no HTTP server; the mock in
 * its own process). The gateway runs its cache record-only by default (`ttlMs: 0`, answers kept
 * for stale-if-error), so every call goes upstream and its answer is recorded; this measures what
 * the recording of the same key costs on each call. Also unique prompts, as a control. This build
 * against another built checkout (`--baseline=<dir>`), rounds interleaved (A B B A …) in one process.
 *
 * Run: `npm run build && node bench/repeated-request.bench.ts --baseline=<dir> [--rounds=5] [--calls=400] [--concurrency=4]`
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockProcess } from './lib/mock-process.ts';
import { median } from './lib/stats.ts';
import { numberArg, requiredBaseline, words } from './lib/args.ts';

const ROUNDS = numberArg('rounds', 5);
const CALLS = numberArg('calls', 400);
const CONCURRENCY = numberArg('concurrency', 4);
const baselineDir = requiredBaseline('repeated-request');
const root = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1, routes: { short: { reply: { text: words(5) } }, long: { reply: { text: words(105) } } } });

type Kind = 'stream' | 'chat';
interface Build {
  name: string;
  call(kind: Kind, model: string, prompt: string): Promise<void>;
  close(): Promise<void>;
}

async function load(name: string, dir: string): Promise<Build> {
  const gateway = await import(join(dir, 'packages/gateway/dist/index.js'));
  const core = await import(join(dir, 'packages/core/dist/index.js'));
  const config = { providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey, connections: 64 } }, routes: [{ model: '*', targets: ['ok'] }] };
  const pipeline = gateway.buildPipeline(gateway.validateConfig(config));
  const metadata = pipeline.chunksUnchanged && core.CHUNK_JSON ? { [core.CHUNK_JSON]: true } : {};
  return {
    name,
    async call(kind, model, prompt) {
      const request = { model, messages: [{ role: 'user', content: prompt }] };
      const client = pipeline.route(model).client;
      if (kind === 'chat') await client.chat(request, { metadata });
      else for await (const chunk of client.stream(request, { metadata })) void chunk;
    },
    close: () => pipeline.close(),
  };
}

let unique = 0;
/** CPU µs per call of `calls` calls, `CONCURRENCY` at a time; the same prompt each time unless `fresh`. */
async function cpuPerCall(b: Build, kind: Kind, model: string, fresh: boolean): Promise<number> {
  const t0 = process.cpuUsage();
  let i = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (i++ < CALLS) await b.call(kind, model, fresh ? `question ${unique++}` : 'the same question');
    }),
  );
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / CALLS;
}

const builds = [await load('this build', root), await load('baseline build', baselineDir)];
const cases: Array<{ label: string; kind: Kind; model: string; fresh: boolean }> = [
  { label: 'same prompt, stream of 105 words', kind: 'stream', model: 'long', fresh: false },
  { label: 'same prompt, stream of 5 words', kind: 'stream', model: 'short', fresh: false },
  { label: 'same prompt, JSON answer of 105 words', kind: 'chat', model: 'long', fresh: false },
  { label: 'unique prompts, stream of 105 words (control)', kind: 'stream', model: 'long', fresh: true },
];
// Warm-up: every case once per build.
for (const b of builds) for (const c of cases) await cpuPerCall(b, c.kind, c.model, c.fresh);
const figures = new Map(cases.map((c) => [c.label, new Map(builds.map((b) => [b.name, [] as number[]]))]));
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    for (const b of r % 2 === 0 ? builds : [...builds].reverse()) figures.get(c.label)!.get(b.name)!.push(await cpuPerCall(b, c.kind, c.model, c.fresh));
  }
}
await Promise.all(builds.map((b) => b.close()));
await mock.close();

console.log(`\nrepeated requests through the gateway's default route stack (cache record-only), ${CALLS} calls × ${ROUNDS} rounds, ${CONCURRENCY} at a time: CPU µs per call (median)`);
console.log('| case | this build | baseline build | this / baseline |');
console.log('|---|---:|---:|---:|');
for (const c of cases) {
  const f = figures.get(c.label)!;
  const [a, base] = builds.map((b) => median(f.get(b.name)!));
  console.log(`| ${c.label} | ${a!.toFixed(0)} | ${base!.toFixed(0)} | ${(a! / base!).toFixed(2)}× |`);
}
