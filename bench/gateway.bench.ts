/**
 * Gateway overhead, side by side in one run: the mock called directly, a bare Node proxy (the
 * floor), Lifeline's gateway with its default stack, and the Portkey gateway — same mock (its own
 * process), same load (autocannon, sequential and 32 concurrent), JSON, streams, and a 503 →
 * fallback. CPU per request is each gateway process's own CPU time (read over IPC), steadier than
 * req/s on a 2-core machine. Also: time to the first streamed chunk, and a profile of Lifeline's
 * gateway (the configuration the targets name, at steady state) with its top self-time functions.
 *
 * Run: `npm run build && node bench/gateway.bench.ts [--quick] [--no-profile]`
 * (`BENCH_OUT=file.json` also writes the figures as JSON, for `run-all.mjs`).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpLoad, timeToFirstChunk, type HttpLoadResult } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { summarizeProfiles, type ProfileSummary } from './lib/profile.ts';
import { freePort, startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { median, percentile } from './lib/stats.ts';

const quick = process.argv.includes('--quick');
// `--lean`: only the floors (bare node:http, bare Fastify) and Lifeline's default gateway; no Portkey, no profile.
const lean = process.argv.includes('--lean');
const modesArg = process.argv.find((a) => a.startsWith('--modes='))?.slice(8).split(',');
const profile = !lean && !process.argv.includes('--no-profile');
const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'test-key';
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
// Five interleaved rounds: a target's ratio is the median of its per-round ratios (see lib/report.ts).
const ROUNDS = quick ? 1 : 5;
const AMOUNT = { sequential: quick ? 300 : 1000, concurrent: quick ? 1000 : 3000 };
const CONNECTIONS = { sequential: 1, concurrent: 32 };
const TTFB_N = quick ? 20 : 60;
// `--warmup=N`: requests per server and mode (at 32 connections) before measuring. A gateway serves
// for hours: what it costs once its JIT has compiled its hot paths is the figure that matters. Every
// server's CPU per request keeps falling for its first ~15,000–25,000 requests of a mode (bare
// Fastify's JSON from 222 to 70 µs, Lifeline's streams from 625 to 250 µs, in batches of 4,000).
// Then each load gets its own short warm-up (its connections, its pattern). Portkey's streams take
// ~30 ms each: it warms up on at most 300 requests.
const WARMUP = Number(process.argv.find((a) => a.startsWith('--warmup='))?.slice(9) ?? (quick ? 3000 : 20_000));
const LOAD_WARMUP = { sequential: quick ? 100 : 500, concurrent: quick ? 500 : 2000 };
const warmupOf = (s: { name: string }, amount: number) => (s.name.startsWith('portkey') ? Math.min(amount, 300) : amount);

const mock = await startMockProcess({ flavor: 'openai', apiKey, text: TEXT, maxRecorded: 1, routes: { 'bench-slow-stream': { stream: { chunkDelayMs: 2 } } } });
const dead = await startMockProcess({ flavor: 'openai', apiKey, script: { status: 503 }, maxRecorded: 1 });

const lifelineConfig = (extra: Record<string, unknown> = {}) => ({
  providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey }, dead: { kind: 'openai', baseURL: dead.url, apiKey } },
  routes: [
    { model: 'bench-fallback', targets: ['dead', 'ok'] },
    { model: '*', targets: ['ok'] },
  ],
  ...extra,
});
const gatewayScript = join(here, 'lib/lifeline-gateway.ts');
const startLifeline = (config: object) => startServerProcess({ script: gatewayScript, args: [JSON.stringify(config)] });

const bareRoutes = JSON.stringify({ '*': [{ url: mock.url }], 'bench-fallback': [{ url: dead.url }, { url: mock.url }] });
// Lifeline's server runs as the `lifeline` command runs it (V8's allocation-site pretenuring off,
// see lib/lifeline-gateway.ts); the bare proxies with Node's defaults, unless `--floors-tuned`.
const floorFlags = process.argv.includes('--floors-tuned') ? ['--no-allocation-site-pretenuring'] : [];
const bare = await startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [bareRoutes], nodeArgs: floorFlags });
const bareFastify = await startServerProcess({ script: join(here, 'lib/bare-fastify-proxy.ts'), args: [bareRoutes], nodeArgs: floorFlags });
// The floor for a gateway that reads each event (to meter it, catch an in-band error, fail over
// before content): the bare node:http proxy with every SSE event parsed and serialised again.
const parsing = await startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [bareRoutes], nodeArgs: floorFlags, env: { BENCH_PROXY_PARSE: '1' } });
// Default stack, default log level (info: one line per request, to /dev/null here).
const lifeline = await startLifeline(lifelineConfig());
// The configuration the targets name: the default one with `cache: false` (the default keeps a
// record-only cache for stale-if-error answers).
const lifelineNoCache = await startLifeline(lifelineConfig({ cache: false }));
// `--baseline=<dir>` (or `BENCH_BASELINE=<dir>`): also Lifeline's gateway from another checkout (built), for before/after in one run.
const baselineDir = process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
const lifelineBaseline = baselineDir ? await startServerProcess({ script: join(baselineDir, 'bench/lib/lifeline-gateway.ts'), args: [JSON.stringify(lifelineConfig())] }) : undefined;
const lifelineQuiet = await startLifeline(lifelineConfig({ server: { logLevel: 'warn' } }));
// Fallback on every request: one attempt per target and a breaker that never opens, as Portkey's fallback does.
const lifelineFallback = await startLifeline(lifelineConfig({ server: { logLevel: 'warn' }, retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 1_000_000_000 } }));
const portkeyBin = join(dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')), 'build/start-server.js');
const portkeyPort = await freePort();
const portkey = await startServerProcess({
  script: portkeyBin,
  args: [`--port=${portkeyPort}`, '--headless'],
  env: { BENCH_LOOPBACK: '1', BENCH_MUTABLE_FETCH_HEADERS: '1' },
  poll: { url: `http://127.0.0.1:${portkeyPort}`, readyUrl: `http://127.0.0.1:${portkeyPort}/` },
});
const portkeyTarget = (url: string) => ({ provider: 'openai', api_key: apiKey, custom_host: url });
const portkeySingle = { 'x-portkey-config': JSON.stringify(portkeyTarget(mock.url)) };
const portkeyFallback = { 'x-portkey-config': JSON.stringify({ strategy: { mode: 'fallback' }, targets: [portkeyTarget(dead.url), portkeyTarget(mock.url)] }) };

type Mode = 'json' | 'stream' | 'fallback';
interface System {
  name: string;
  url: string;
  server?: ServerProcess;
  headers?: Record<string, string>;
  modes: Mode[];
}
const allSystems: System[] = [
  { name: 'mock directly', url: `${mock.url}/chat/completions`, headers: { authorization: `Bearer ${apiKey}` }, modes: ['json', 'stream'] },
  { name: 'bare node:http + undici proxy', url: `${bare.url}/v1/chat/completions`, server: bare, modes: ['json', 'stream', 'fallback'] },
  { name: 'bare Fastify + undici proxy', url: `${bareFastify.url}/v1/chat/completions`, server: bareFastify, modes: ['json', 'stream', 'fallback'] },
  { name: 'parsing proxy: bare node:http, each event parsed and re-serialised', url: `${parsing.url}/v1/chat/completions`, server: parsing, modes: ['stream'] },
  { name: 'lifeline gateway (default stack)', url: `${lifeline.url}/v1/chat/completions`, server: lifeline, modes: ['json', 'stream', 'fallback'] },
  { name: 'lifeline gateway (default stack, cache off)', url: `${lifelineNoCache.url}/v1/chat/completions`, server: lifelineNoCache, modes: ['json', 'stream'] },
  ...(lifelineBaseline ? [{ name: 'lifeline gateway (default stack, baseline build)', url: `${lifelineBaseline.url}/v1/chat/completions`, server: lifelineBaseline, modes: ['json', 'stream', 'fallback'] as Mode[] }] : []),
  { name: 'lifeline gateway (logLevel warn)', url: `${lifelineQuiet.url}/v1/chat/completions`, server: lifelineQuiet, modes: ['json', 'stream'] },
  { name: 'lifeline gateway (no retry, breaker never opens)', url: `${lifelineFallback.url}/v1/chat/completions`, server: lifelineFallback, modes: ['fallback'] },
  { name: 'portkey gateway', url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`, server: portkey, headers: portkeySingle, modes: ['json', 'stream'] },
  { name: 'portkey gateway', url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`, server: portkey, headers: portkeyFallback, modes: ['fallback'] },
];
const systems = allSystems.filter((s) => !lean || s.name.startsWith('bare') || s.name.startsWith('parsing') || s.name.startsWith('lifeline gateway (default stack'));

const bodyOf = (mode: Mode, model = mode === 'fallback' ? 'bench-fallback' : 'gpt-4.1-mini') =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 64, ...(mode === 'stream' && { stream: true }) });

export interface GatewayRow {
  mode: Mode;
  load: 'sequential' | 'concurrent';
  system: string;
  requests: number;
  failed: number;
  rps: number;
  p50Us: number;
  p99Us: number;
  cpuUsPerReq: number | undefined;
  /** Latencies (µs, sorted) of every round, for the chart. */
  latenciesUs: number[];
  /** CPU µs per request of each round, in round order (rounds interleave the systems). */
  cpuRounds?: number[];
}

const rows: GatewayRow[] = [];
for (const mode of (modesArg ?? ['json', 'stream', 'fallback']) as Mode[]) {
  const modeCases = systems.filter((s) => s.modes.includes(mode));
  // Warm up every server's JIT and pools for this mode (the breaker of the default stack opens here in `fallback`).
  for (const s of modeCases) {
    if (process.env.BENCH_VERBOSE) console.error(`warmup ${s.name} ${mode}`);
    await httpLoad({ url: s.url, body: bodyOf(mode), headers: s.headers, connections: CONNECTIONS.concurrent, amount: warmupOf(s, WARMUP) });
  }
  for (const load of ['sequential', 'concurrent'] as const) {
    for (const s of modeCases) await httpLoad({ url: s.url, body: bodyOf(mode), headers: s.headers, connections: CONNECTIONS[load], amount: warmupOf(s, LOAD_WARMUP[load]) });
    const runs = new Map<System, HttpLoadResult[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of modeCases) {
        const r = await httpLoad({ url: s.url, body: bodyOf(mode), headers: s.headers, connections: CONNECTIONS[load], amount: AMOUNT[load], server: s.server });
        runs.set(s, [...(runs.get(s) ?? []), r]);
      }
    }
    for (const s of modeCases) {
      const rs = runs.get(s)!;
      const all = Float64Array.from(rs.flatMap((r) => [...r.latenciesUs])).sort();
      const name = mode === 'fallback' && s.server === lifeline ? 'lifeline gateway (default stack: breaker open → backup)' : s.name;
      rows.push({
        mode,
        load,
        system: name,
        requests: rs.reduce((t, r) => t + r.requests, 0),
        failed: rs.reduce((t, r) => t + r.non2xx + r.errors, 0),
        rps: median(rs.map((r) => r.rps)),
        p50Us: percentile(all, 50),
        p99Us: percentile(all, 99),
        cpuUsPerReq: s.server ? median(rs.map((r) => r.cpuUsPerReq!)) : undefined,
        ...(s.server && { cpuRounds: rs.map((r) => r.cpuUsPerReq!) }),
        latenciesUs: [...all],
      });
    }
    console.error(`gateway: ${mode} ${load} done`);
  }
}

// Time to the first streamed content chunk (the mock sends one word every 2 ms).
const ttfb: Array<{ system: string; p50Us: number; p99Us: number }> = [];
const slowBody = (i: number) => JSON.stringify({ model: 'bench-slow-stream', messages: [{ role: 'user', content: `stream ${i} ${Math.random()}` }], stream: true });
for (const s of systems.filter((x) => x.modes.includes('stream'))) {
  const lat = await timeToFirstChunk(s.url, slowBody, s.headers ?? {}, TTFB_N);
  ttfb.push({ system: s.name, p50Us: percentile(lat, 50), p99Us: percentile(lat, 99) });
}

// Profile Lifeline's gateway in the configuration the targets name (default stack, cache off, logs
// at info) at steady state: the same warm process the rounds measured, sampled over a window of load
// only (`--cpu-prof` would also record the start-up and the JIT's warm-up, which took most of a
// short profile's samples).
const hotSpots: Partial<Record<'json' | 'stream', ProfileSummary>> = {};
const PROFILE_AMOUNT = quick ? 1500 : 10_000;
if (profile) {
  for (const mode of ['json', 'stream'] as const) {
    if (modesArg && !modesArg.includes(mode)) continue;
    await lifelineNoCache.profStart(200);
    await httpLoad({ url: `${lifelineNoCache.url}/v1/chat/completions`, body: bodyOf(mode), connections: 32, amount: PROFILE_AMOUNT });
    hotSpots[mode] = summarizeProfiles([await lifelineNoCache.profStop()]);
  }
}

await Promise.all([bare, bareFastify, parsing, lifeline, lifelineNoCache, ...(lifelineBaseline ? [lifelineBaseline] : []), lifelineQuiet, lifelineFallback, portkey].map((s) => s.close()));
await Promise.all([mock.close(), dead.close()]);

const us = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0));
for (const mode of ['json', 'stream', 'fallback'] as Mode[]) {
  for (const load of ['sequential', 'concurrent'] as const) {
    console.log(`\n${mode}, ${load} (${CONNECTIONS[load]} connection${CONNECTIONS[load] > 1 ? 's' : ''})`);
    console.log('| system | req/s | p50 µs | p99 µs | gateway CPU µs/req | failed |');
    for (const r of rows.filter((x) => x.mode === mode && x.load === load)) {
      console.log(`| ${r.system} | ${r.rps.toFixed(0)} | ${us(r.p50Us)} | ${us(r.p99Us)} | ${us(r.cpuUsPerReq)} | ${r.failed} |`);
    }
  }
}
console.log('\ntime to first streamed chunk (sequential)');
for (const t of ttfb) console.log(`| ${t.system} | p50 ${us(t.p50Us)} µs | p99 ${us(t.p99Us)} µs |`);
for (const [mode, p] of Object.entries(hotSpots)) {
  console.log(`\nlifeline gateway profile (${mode}, 32 connections), top self time`);
  for (const h of p.total.slice(0, 15)) console.log(`| ${h.selfPct.toFixed(1)}% | ${h.package} | ${h.name} | ${h.where} |`);
  console.log(p.byPackage.map((b) => `${b.name} ${b.selfPct.toFixed(1)}%`).join(' · '));
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ quick, floorFlags, rounds: ROUNDS, amount: AMOUNT, warmup: WARMUP, loadWarmup: LOAD_WARMUP, rows, ttfb, hotSpots }));
