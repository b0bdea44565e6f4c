/**
 * Paced streams — the shape real LLM traffic has: many concurrent streams whose chunks arrive
 * spaced in time. N streams of `CHUNKS` chunks sent `INTERVAL_MS` apart by the mock (its own
 * process), opened within a ramp of 2 s (8 s for the 10,000), through the bare node:http proxy (the floor)
 * and Lifeline's gateway (default config), side by side in one run, rounds interleaved. Reports each
 * proxy process's CPU time per stream and its memory per in-flight stream: (peak RSS − RSS after
 * warm-up) / N, with the peak read from the process itself (`process.resourceUsage().maxRSS`; every
 * proxy is a fresh process per round). Then `--max` streams (10,000 by default) through one gateway
 * process, which must all complete with `[DONE]`.
 *
 * File descriptors: 10,000 streams need ~20,000 descriptors in the gateway (one socket to the
 * client, one to the mock, per stream). The bench re-executes itself under
 * `sh -c 'ulimit -n 65536 && exec node …'` (children inherit the limit); raising the hard limit needs
 * root or a matching `/etc/security/limits.conf` — without it the bench says so and uses what it has.
 *
 * Run: `npm run build && node bench/paced.bench.ts [--quick] [--streams=2000] [--max=10000]`
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

const FD_LIMIT = 65_536;
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
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const quick = process.argv.includes('--quick');
  const STREAMS = arg('streams', 2000);
  const fdLimit = Number(spawnSync('/bin/sh', ['-c', 'ulimit -n']).stdout.toString().trim());
  const wanted = arg('max', 10_000);
  // Each stream holds two sockets in the proxy (client and upstream), plus a few dozen other descriptors.
  const MAX = Math.min(wanted, Math.floor((fdLimit - 64) / 2));
  if (MAX < wanted) console.error(`paced: ulimit -n is ${fdLimit} here (the hard limit): --max lowered from ${wanted} to ${MAX} streams (2 sockets each)`);
  const CHUNKS = 40;
  const INTERVAL_MS = 200;
  const ROUNDS = quick ? 1 : 2;
  const apiKey = 'test-key';
  const load0 = loadavg();
  // 40 chunks: the role chunk, 38 words, the finish chunk (the usage chunk rides on the last).
  const text = Array.from({ length: CHUNKS - 2 }, (_, i) => `word${i}`).join(' ');
  const mock = await startMockProcess({ flavor: 'openai', apiKey, text, maxRecorded: 1, routes: { 'bench-paced': { stream: { chunkDelayMs: INTERVAL_MS, firstTokenDelayMs: INTERVAL_MS } } } });
  // Upstream connections: one per in-flight stream (the gateway's config allows up to 10,000).
  const connections = { connections: 10_000 };
  const gatewayConfig = { providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey, connections: 10_000 } }, routes: [{ model: '*', targets: ['ok'] }] };
  // `--baseline=<dir>`: also the gateway of another checkout (built), for before/after in one run.
  const baselineDir = process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
  const systems = {
    baseline: () => startServerProcess({ script: join(baselineDir ?? here, 'bench/lib/lifeline-gateway.ts'), args: [JSON.stringify(gatewayConfig)] }),
    bare: () => startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [JSON.stringify({ '*': [{ url: mock.url }] })], env: { BENCH_UPSTREAM_CONNECTIONS: String(connections.connections) } }),
    lifeline: () => startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [JSON.stringify(gatewayConfig)] }),
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
      let tail = '';
      for await (const part of res.body) tail = (tail + part.toString()).slice(-64);
      const ok = res.statusCode === 200 && tail.includes('data: [DONE]');
      if (!ok) failures.set(`status ${res.statusCode}`, (failures.get(`status ${res.statusCode}`) ?? 0) + 1);
      return ok;
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      failures.set(code, (failures.get(code) ?? 0) + 1);
      return false;
    }
  }
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
      const t0 = performance.now();
      const completed = await streams(server.url, n, rampMs);
      const wallS = (performance.now() - t0) / 1000;
      const cpuS = ((await server.cpuUs()) - cpu0) / 1e6;
      const { maxRss } = await server.mem();
      return {
        system: name === 'bare' ? 'bare node:http + undici proxy' : name === 'baseline' ? 'lifeline gateway (default config, baseline build)' : 'lifeline gateway (default config)',
        streams: n,
        completed,
        wallS,
        cpuS,
        cpuUsPerChunk: (cpuS * 1e6) / (n * CHUNKS),
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
    for (const name of baselineDir ? (['bare', 'lifeline', 'baseline'] as const) : (['bare', 'lifeline'] as const)) {
      const r = await measure(name, STREAMS, 2_000);
      runs.push(r);
      console.error(`paced: round ${round + 1} ${r.system}: ${r.completed}/${r.streams} in ${r.wallS.toFixed(1)} s, CPU ${r.cpuS.toFixed(2)} s, peak RSS ${r.peakRssMB.toFixed(0)} MB${failures.size ? `; failed: ${JSON.stringify(Object.fromEntries(failures))}` : ''}`);
      failures.clear();
    }
  }
  const max = MAX > 0 ? await measure('lifeline', MAX, 8_000) : undefined;
  if (max) console.error(`paced: ${MAX} streams through one gateway: ${max.completed} completed in ${max.wallS.toFixed(1)} s, peak RSS ${max.peakRssMB.toFixed(0)} MB${failures.size ? `; failed: ${JSON.stringify(Object.fromEntries(failures))}` : ''}`);
  await agent.close();
  await mock.close();

  const of = (system: string) => runs.filter((r) => r.system === system);
  const summary = (rs: PacedRun[]) => ({
    system: rs[0]!.system,
    completed: `${Math.min(...rs.map((r) => r.completed))}/${rs[0]!.streams}`,
    cpuS: rs.map((r) => r.cpuS),
    kbPerStream: rs.map((r) => r.kbPerStream),
    idleRssMB: rs.map((r) => r.idleRssMB),
    peakRssMB: rs.map((r) => r.peakRssMB),
  });
  const bare = summary(of('bare node:http + undici proxy'));
  const lifeline = summary(of('lifeline gateway (default config)'));
  const baseline = baselineDir ? summary(of('lifeline gateway (default config, baseline build)')) : undefined;
  const cpuRatio = median(lifeline.cpuS) / median(bare.cpuS);
  const memRatio = median(lifeline.kbPerStream) / median(bare.kbPerStream);
  const range = (xs: number[], d = 1) => (xs.length > 1 ? `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}` : xs[0]!.toFixed(d));
  console.log(`\nPaced streams: ${STREAMS} concurrent × ${CHUNKS} chunks ${INTERVAL_MS} ms apart, ${ROUNDS} round(s); load average ${load0.map((l) => l.toFixed(2)).join(' / ')}; ulimit -n ${fdLimit}`);
  console.log('| system | completed | CPU s (range) | idle RSS MB | peak RSS MB | KB per in-flight stream |');
  for (const s of [bare, lifeline, ...(baseline ? [baseline] : [])]) console.log(`| ${s.system} | ${s.completed} | ${range(s.cpuS, 2)} | ${range(s.idleRssMB, 0)} | ${range(s.peakRssMB, 0)} | ${range(s.kbPerStream, 0)} |`);
  if (baseline) console.log(`baseline build vs bare: CPU ${(median(baseline.cpuS) / median(bare.cpuS)).toFixed(2)}×, memory per in-flight stream ${(median(baseline.kbPerStream) / median(bare.kbPerStream)).toFixed(2)}×`);
  console.log(`gateway vs bare: CPU ${cpuRatio.toFixed(2)}× (target ≤ 1.3×), memory per in-flight stream ${memRatio.toFixed(2)}× (target ≤ 1.3×)`);
  if (max) console.log(`${MAX} concurrent streams through one gateway process: ${max.completed}/${MAX} completed (${MAX - max.completed} lost), ${max.wallS.toFixed(1)} s, CPU ${max.cpuS.toFixed(1)} s, peak RSS ${max.peakRssMB.toFixed(0)} MB`);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ streams: STREAMS, chunks: CHUNKS, intervalMs: INTERVAL_MS, rounds: ROUNDS, loadavg: load0, fdLimit, runs, max, maxWanted: wanted, cpuRatio, memRatio }));
  if (max && max.completed < MAX) process.exitCode = 1;
}
