/**
 * Paced streams — the shape real LLM traffic has: many concurrent streams whose chunks arrive
 * spaced in time. N streams of `CHUNKS` chunks sent `INTERVAL_MS` apart by the mock (its own
 * process), opened within a ramp of 2 s (8 s for the 10,000), through the bare node:http proxy (the floor),
 * the same proxy reading each event (parsed and written back serialised: the floor for a gateway
 * that looks at chunks) and Lifeline's gateway (default config), side by side in one run, rounds interleaved. Reports each
 * proxy process's CPU time per stream and its memory per in-flight stream: (peak RSS − RSS after
 * warm-up) / N, with the peak read from the process itself (`process.resourceUsage().maxRSS`; every
 * proxy is a fresh process per round). Then `--max` streams (10,000 by default) through one gateway
 * process, all in flight at once (30 chunks 1 s apart, opened within 15 s; the client counts the
 * peak in flight), which must all complete with `[DONE]`.
 *
 * File descriptors: over HTTP/1.1 each stream holds two sockets in the gateway (one to the client,
 * one to the mock), so 10,000 streams need ~20,000 descriptors. The `--max` run therefore talks to
 * a mock speaking HTTP/2 (h2c) with the provider's `http2: true`, as a gateway to an HTTPS provider
 * that negotiates h2 would: the streams share a few upstream connections and each holds one
 * descriptor (`--max-upstream=h1` runs it over HTTP/1.1 instead, capped by the limit). The bench
 * re-executes itself under `sh -c 'ulimit -n 65536 && exec node …'` (children inherit the limit);
 * raising the hard limit needs root with `CAP_SYS_RESOURCE` or a matching
 * `/etc/security/limits.conf` — without it the bench says so and uses what it has.
 *
 * Run: `npm run build && node bench/paced.bench.ts [--quick] [--streams=2000] [--chunks=40] [--max=10000] [--max-upstream=h2c|h1] [--max-chunks=30] [--max-interval=1000] [--max-ramp=15000]`
 * (`BENCH_OUT=file.json` also writes the figures as JSON).
 */
import { spawnSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startMockProcess } from './lib/mock-process.ts';
import type { PacedRun } from './lib/report.ts';
import { startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { median } from './lib/stats.ts';
import { baselineArg, numberArg } from './lib/args.ts';

const FD_LIMIT = 65_536;
/** How each system is named in the tables (and in `BENCH_OUT`'s runs, which `npm run bench` renders). */
const SYSTEM_NAMES = {
  bare: 'bare node:http + undici proxy',
  parsing: 'parsing proxy: bare, each event parsed and re-serialised',
  lifeline: 'lifeline gateway (default config)',
  lifelineNoCache: 'lifeline gateway (default config, cache off)',
  baseline: 'lifeline gateway (default config, baseline build)',
  lifelineMax: 'lifeline gateway (default config)',
} as const;
const here = dirname(fileURLToPath(import.meta.url));
if (process.env.BENCH_FD_RAISED !== '1') {
  // Re-run under a shell that raises the descriptor limit first: rlimits pass to every child.
  const child = spawn('/bin/sh', ['-c', `ulimit -n ${FD_LIMIT} 2>/dev/null || echo "paced: could not raise ulimit -n to ${FD_LIMIT} (now $(ulimit -n)); run as root or raise the hard limit" >&2; exec "$@"`, 'sh', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_FD_RAISED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const STREAMS = numberArg('streams', 2000);
  const fdLimit = Number(spawnSync('/bin/sh', ['-c', 'ulimit -n']).stdout.toString().trim());
  const wanted = numberArg('max', 10_000);
  const maxUpstream = process.argv.find((a) => a.startsWith('--max-upstream='))?.slice(15) === 'h1' ? 'h1' : 'h2c';
  // Over HTTP/1.1 each stream holds two sockets in the proxy (client and upstream); over h2c one
  // (the upstream streams share a few connections); plus a few hundred other descriptors.
  const MAX = Math.min(wanted, maxUpstream === 'h1' ? Math.floor((fdLimit - 64) / 2) : fdLimit - 256);
  if (MAX < wanted) console.error(`paced: ulimit -n is ${fdLimit} here (the hard limit): --max lowered from ${wanted} to ${MAX} streams (${maxUpstream === 'h1' ? 2 : 1} socket(s) each)`);
  // `--chunks=<n>`: another stream length; two runs (e.g. 10 and 40) split a stream's CPU into its fixed and per-chunk parts.
  const CHUNKS = numberArg('chunks', 40);
  // The --max run's streams (30 chunks 1 s apart: 30 s) open within 15 s, so all of them are in
  // flight at once; at 200 ms apart, 10,000 streams are 50,000 chunks a second, more than even the
  // bare proxy serves on a 2-core machine beside the mock and the client.
  const MAX_CHUNKS = numberArg('max-chunks', 30);
  const MAX_INTERVAL_MS = numberArg('max-interval', 1_000);
  const MAX_RAMP_MS = numberArg('max-ramp', 15_000);
  const INTERVAL_MS = 200;
  const ROUNDS = quick ? 1 : 2;
  const apiKey = 'test-key';
  const load0 = loadavg();
  // 40 chunks: the role chunk, 38 words, the finish chunk (the usage chunk rides on the last).
  const text = Array.from({ length: CHUNKS - 2 }, (_, i) => `word${i}`).join(' ');
  const routes = { 'bench-paced': { stream: { chunkDelayMs: INTERVAL_MS, firstTokenDelayMs: INTERVAL_MS } } };
  const mock = await startMockProcess({ flavor: 'openai', apiKey, text, maxRecorded: 1, routes });
  const maxText = Array.from({ length: MAX_CHUNKS - 2 }, (_, i) => `word${i}`).join(' ');
  const maxRoutes = { 'bench-paced': { stream: { chunkDelayMs: MAX_INTERVAL_MS, firstTokenDelayMs: MAX_INTERVAL_MS } } };
  const maxMock = MAX > 0 ? await startMockProcess({ flavor: 'openai', apiKey, text: maxText, maxRecorded: 1, routes: maxRoutes, http2: maxUpstream === 'h2c' }) : undefined;
  // Upstream connections: one per in-flight stream. The gateway's default gives each concurrent
  // request a socket of its own; the bare proxies are given as many.
  const BARE_UPSTREAM_CONNECTIONS = '10000';
  const gatewayConfig = { providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] };
  // `--baseline=<dir>`: also the gateway of another checkout (built), for before/after in one run.
  const baselineDir = baselineArg();
  const systems = {
    baseline: () => startServerProcess({ script: join(baselineDir ?? here, 'bench/lib/lifeline-gateway.ts'), args: [JSON.stringify(gatewayConfig)] }),
    bare: () => startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [JSON.stringify({ '*': [{ url: mock.url }] })], env: { BENCH_UPSTREAM_CONNECTIONS: BARE_UPSTREAM_CONNECTIONS } }),
    // The same proxy reading each event (SSE parse, JSON.parse, written back serialised): the floor for a gateway that looks at chunks.
    parsing: () => startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [JSON.stringify({ '*': [{ url: mock.url }] })], env: { BENCH_UPSTREAM_CONNECTIONS: BARE_UPSTREAM_CONNECTIONS, BENCH_PROXY_PARSE: '1' } }),
    lifeline: () => startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [JSON.stringify(gatewayConfig)] }),
    // The configuration the targets name: the default with \`cache: false\` (the default keeps a record-only cache).
    lifelineNoCache: () => startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [JSON.stringify({ ...gatewayConfig, cache: false })] }),
    // The --max run: its own mock (longer streams), over h2c unless --max-upstream=h1.
    lifelineMax: () => {
      const provider = { kind: 'openai', baseURL: maxMock!.url, apiKey, ...(maxUpstream === 'h2c' && { http2: true }) };
      return startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [JSON.stringify({ providers: { ok: provider }, routes: [{ model: '*', targets: ['ok'] }] })] });
    },
  };
  // Generous client limits: on a loaded machine, thousands of connects in a second can take a while.
  const agent = new Agent({ connections: null, keepAliveTimeout: 60_000, headersTimeout: 120_000, bodyTimeout: 120_000, connect: { timeout: 60_000 } });

  /** One stream; resolves with true when it ended with `[DONE]`. */
  async function oneStream(url: string, i: number, model: string): Promise<boolean> {
    try {
      const res = await request(`${url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: `paced stream ${i} ${Math.random()}` }], stream: true }),
      });
      inFlight++;
      if (inFlight > peakInFlight) peakInFlight = inFlight;
      let tail = '';
      try {
        for await (const part of res.body) tail = (tail + part.toString()).slice(-64);
      } finally {
        inFlight--;
      }
      const ok = res.statusCode === 200 && tail.includes('data: [DONE]');
      if (!ok) failures.set(`status ${res.statusCode}`, (failures.get(`status ${res.statusCode}`) ?? 0) + 1);
      return ok;
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      failures.set(code, (failures.get(code) ?? 0) + 1);
      return false;
    }
  }
  /** Streams whose response head arrived and whose body has not ended, now and at most. */
  let inFlight = 0;
  let peakInFlight = 0;
  /** Why streams failed, by error code or status (printed with each run). */
  const failures = new Map<string, number>();

  /** `n` streams opened within `rampMs`; resolves with how many completed. */
  async function streams(url: string, n: number, rampMs: number, model = 'bench-paced'): Promise<number> {
    const all: Array<Promise<boolean>> = [];
    for (let i = 0; i < n; i++) {
      all.push(oneStream(url, i, model));
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, (rampMs * 100) / n));
    }
    return (await Promise.all(all)).filter(Boolean).length;
  }


  async function measure(name: keyof typeof systems, n: number, rampMs: number): Promise<PacedRun> {
    const server: ServerProcess = await systems[name]();
    try {
      // Warm-up: the JIT, the pools, a few connections (unpaced streams).
      await streams(server.url, 200, 0, 'gpt-4.1-mini');
      const idle = await server.mem();
      const cpu0 = await server.cpuUs();
      peakInFlight = 0;
      const t0 = performance.now();
      const completed = await streams(server.url, n, rampMs);
      const wallS = (performance.now() - t0) / 1000;
      const cpuS = ((await server.cpuUs()) - cpu0) / 1e6;
      const { maxRss } = await server.mem();
      return {
        system: SYSTEM_NAMES[name],
        peakInFlight,
        streams: n,
        completed,
        wallS,
        cpuS,
        cpuUsPerChunk: (cpuS * 1e6) / (n * (name === 'lifelineMax' ? MAX_CHUNKS : CHUNKS)),
        idleRssMB: idle.rss / 2 ** 20,
        peakRssMB: maxRss / 2 ** 20,
        kbPerStream: (maxRss - idle.rss) / 1024 / n,
      };
    } finally {
      await server.close();
    }
  }

  const runs: PacedRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of baselineDir ? (['bare', 'parsing', 'lifeline', 'lifelineNoCache', 'baseline'] as const) : (['bare', 'parsing', 'lifeline', 'lifelineNoCache'] as const)) {
      const r = await measure(name, STREAMS, 2_000);
      runs.push(r);
      console.error(`paced: round ${round + 1} ${r.system}: ${r.completed}/${r.streams} in ${r.wallS.toFixed(1)} s, CPU ${r.cpuS.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB${failures.size ? `; failed: ${JSON.stringify(Object.fromEntries(failures))}` : ''}`);
      failures.clear();
    }
  }
  const max = MAX > 0 ? await measure('lifelineMax', MAX, MAX_RAMP_MS) : undefined;
  if (max) console.error(`paced: ${MAX} streams through one gateway (upstream ${maxUpstream}): ${max.completed} completed in ${max.wallS.toFixed(1)} s, peak ${max.peakInFlight} in flight, peak RSS ${max.peakRssMB.toFixed(0)} MB${failures.size ? `; failed: ${JSON.stringify(Object.fromEntries(failures))}` : ''}`);
  await agent.close();
  await mock.close();
  await maxMock?.close();

  const of = (system: string) => runs.filter((r) => r.system === system);
  const summary = (rs: PacedRun[]) => ({
    system: rs[0]!.system,
    completed: `${Math.min(...rs.map((r) => r.completed))}/${rs[0]!.streams}`,
    cpuS: rs.map((r) => r.cpuS),
    kbPerStream: rs.map((r) => r.kbPerStream),
    idleRssMB: rs.map((r) => r.idleRssMB),
    peakRssMB: rs.map((r) => r.peakRssMB),
  });
  const bare = summary(of(SYSTEM_NAMES.bare));
  const parsing = summary(of(SYSTEM_NAMES.parsing));
  const shipped = summary(of(SYSTEM_NAMES.lifeline));
  // The targets are judged on the configuration they name (cache off); the default as shipped is printed beside it.
  const lifeline = summary(of(SYSTEM_NAMES.lifelineNoCache));
  const baseline = baselineDir ? summary(of(SYSTEM_NAMES.baseline)) : undefined;
  const cpuRatio = median(lifeline.cpuS) / median(bare.cpuS);
  const memRatio = median(lifeline.kbPerStream) / median(bare.kbPerStream);
  const range = (xs: number[], d = 1) => (xs.length > 1 ? `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}` : xs[0]!.toFixed(d));
  console.log(`\nPaced streams: ${STREAMS} concurrent × ${CHUNKS} chunks ${INTERVAL_MS} ms apart, ${ROUNDS} round(s); load average ${load0.map((l) => l.toFixed(2)).join(' / ')}; ulimit -n ${fdLimit}`);
  console.log('| system | completed | CPU s (range) | idle RSS MB | peak RSS MB | KB per in-flight stream |');
  for (const s of [bare, parsing, shipped, lifeline, ...(baseline ? [baseline] : [])]) console.log(`| ${s.system} | ${s.completed} | ${range(s.cpuS, 2)} | ${range(s.idleRssMB, 0)} | ${range(s.peakRssMB, 0)} | ${range(s.kbPerStream, 0)} |`);
  if (baseline) console.log(`baseline build vs bare: CPU ${(median(baseline.cpuS) / median(bare.cpuS)).toFixed(2)}×, memory per in-flight stream ${(median(baseline.kbPerStream) / median(bare.kbPerStream)).toFixed(2)}×`);
  console.log(`parsing proxy vs bare: CPU ${(median(parsing.cpuS) / median(bare.cpuS)).toFixed(2)}×, memory per in-flight stream ${(median(parsing.kbPerStream) / median(bare.kbPerStream)).toFixed(2)}× (the floor for reading each chunk)`);
  console.log(`gateway vs parsing proxy: CPU ${(median(lifeline.cpuS) / median(parsing.cpuS)).toFixed(2)}×, memory per in-flight stream ${(median(lifeline.kbPerStream) / median(parsing.kbPerStream)).toFixed(2)}×`);
  const cpuRatioShipped = median(shipped.cpuS) / median(bare.cpuS);
  const memRatioShipped = median(shipped.kbPerStream) / median(bare.kbPerStream);
  console.log(`gateway (cache off) vs bare: CPU ${cpuRatio.toFixed(2)}× (target ≤ 1.3×), memory per in-flight stream ${memRatio.toFixed(2)}× (target ≤ 1.3×)`);
  console.log(`gateway (default, record-only cache) vs bare: CPU ${cpuRatioShipped.toFixed(2)}×, memory per in-flight stream ${memRatioShipped.toFixed(2)}×`);
  if (max) console.log(`${MAX} concurrent streams (${MAX_CHUNKS} chunks ${MAX_INTERVAL_MS} ms apart, opened within ${MAX_RAMP_MS / 1000} s, upstream ${maxUpstream}) through one gateway process: ${max.completed}/${MAX} completed (${MAX - max.completed} lost), peak ${max.peakInFlight} in flight, ${max.wallS.toFixed(1)} s, CPU ${max.cpuS.toFixed(1)} s, peak RSS ${max.peakRssMB.toFixed(0)} MB`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ streams: STREAMS, chunks: CHUNKS, intervalMs: INTERVAL_MS, rounds: ROUNDS, loadavg: load0, fdLimit, runs, max, maxWanted: wanted, maxChunks: MAX_CHUNKS, maxIntervalMs: MAX_INTERVAL_MS, maxRampMs: MAX_RAMP_MS, maxUpstream, cpuRatio, memRatio, cpuRatioShipped, memRatioShipped }));
  if (max && max.completed < MAX) process.exitCode = 1;
}
