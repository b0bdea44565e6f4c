/**
 * Heap allocated per proxied request, side by side: the bare node:http and Fastify proxies, the
 * parsing proxy (the bare one reading each SSE event) and Lifeline's gateway (default stack), same mock, 32 connections, JSON and streams. Allocation is
 * what drives the young-generation GC (and, for what outlives a scavenge, the old one); unlike
 * CPU time it barely moves with the machine's load, so it tells a change of a few kilobytes per
 * request apart where CPU figures cannot. Measured with V8's sampling heap profiler in each
 * server process (every 512 bytes, objects already collected included), after a warm-up.
 *
 * `--survivors`: only the bytes that outlived a scavenge (promoted, or allocated in the old space):
 * what makes young collections slow and full ones frequent.
 *
 * Run: `npm run build && npm run bench:alloc -w bench [-- --quick] [--survivors] [--baseline=<built checkout>]`
 * (`BENCH_OUT=file.json` also writes the figures as JSON).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpLoad } from './lib/http-load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { packageOf, shortWhere } from './lib/profile.ts';
import { startServerProcess, type AllocationSite, type ServerProcess } from './lib/server-process.ts';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const apiKey = 'test-key';
const TEXT = 'Lifeline keeps your app answering when the provider fails, rate-limits or slows down, and it tells you what every call cost.';
const WARMUP = quick ? 4000 : 20_000;
const MEASURED = quick ? 2000 : 5000;
const baselineDir = process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
const survivors = process.argv.includes('--survivors');
// Read by lib/probe.mjs in each server process (the children inherit this environment).
if (survivors) process.env.BENCH_ALLOC_SURVIVORS = '1';
const what = survivors ? 'heap allocated per request that outlived a scavenge' : 'heap allocated per request';

type Mode = 'json' | 'stream';
const bodyOf = (mode: Mode) => JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Say hello, request [<id>]' }], max_tokens: 64, ...(mode === 'stream' && { stream: true }) });

const mock = await startMockProcess({ flavor: 'openai', apiKey, text: TEXT, maxRecorded: 1 });
const bareRoutes = JSON.stringify({ '*': [{ url: mock.url }] });
const lifelineConfig = JSON.stringify({ providers: { ok: { kind: 'openai', baseURL: mock.url, apiKey } }, routes: [{ model: '*', targets: ['ok'] }] });
const systems: Array<{ name: string; server: ServerProcess; lifeline: boolean }> = [
  { name: 'bare node:http + undici proxy', server: await startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [bareRoutes] }), lifeline: false },
  { name: 'bare Fastify + undici proxy', server: await startServerProcess({ script: join(here, 'lib/bare-fastify-proxy.ts'), args: [bareRoutes] }), lifeline: false },
  // The floor for a gateway that reads each chunk: every SSE event parsed and serialised again.
  { name: 'parsing proxy (bare, events parsed and re-serialised)', server: await startServerProcess({ script: join(here, 'lib/bare-proxy.ts'), args: [bareRoutes], env: { BENCH_PROXY_PARSE: '1' } }), lifeline: false },
  { name: 'lifeline gateway (default stack)', server: await startServerProcess({ script: join(here, 'lib/lifeline-gateway.ts'), args: [lifelineConfig] }), lifeline: true },
];
if (baselineDir) {
  systems.push({ name: 'lifeline gateway, baseline build', server: await startServerProcess({ script: join(baselineDir, 'bench/lib/lifeline-gateway.ts'), args: [lifelineConfig] }), lifeline: true });
}

/** Bytes per request: in all, per package, and per allocating function. */
interface Allocation {
  bytesPerReq: number;
  byPackage: Array<{ name: string; bytesPerReq: number }>;
  sites: Array<{ name: string; where: string; package: string; bytesPerReq: number }>;
}

function summarize(sites: AllocationSite[], requests: number): Allocation {
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const [fn, url, , bytes] of sites) {
    total += bytes;
    const pkg = packageOf(url, fn);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytes);
  }
  return {
    bytesPerReq: total / requests,
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytesPerReq: bytes / requests })),
    sites: [...sites]
      .sort((a, b) => b[3] - a[3])
      .slice(0, 25)
      .map(([fn, url, line, bytes]) => ({ name: fn || '(anonymous)', where: shortWhere(url, line), package: packageOf(url, fn), bytesPerReq: bytes / requests })),
  };
}

const rows: Array<{ mode: Mode; system: string; allocation: Allocation; failed: number }> = [];
for (const mode of ['json', 'stream'] as const) {
  for (const s of systems) {
    const url = `${s.server.url}/v1/chat/completions`;
    await httpLoad({ url, body: bodyOf(mode), connections: 32, amount: WARMUP });
    await s.server.allocStart();
    const r = await httpLoad({ url, body: bodyOf(mode), connections: 32, amount: MEASURED });
    const sites = await s.server.allocStop();
    rows.push({ mode, system: s.name, allocation: summarize(sites, r.requests), failed: r.non2xx + r.errors });
  }
  console.error(`alloc: ${mode} done`);
}
for (const s of systems) await s.server.close();
await mock.close();

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
for (const mode of ['json', 'stream'] as const) {
  const of = rows.filter((r) => r.mode === mode);
  const floor = of.find((r) => r.system.startsWith('bare Fastify'))!.allocation.bytesPerReq;
  console.log(`\n${mode === 'json' ? 'JSON' : 'Streaming (SSE, ~25 chunks)'}, 32 connections: ${what}`);
  console.log('| system | KB per request | vs bare Fastify | failed |\n|---|---:|---:|---:|');
  for (const r of of) console.log(`| ${r.system} | ${kb(r.allocation.bytesPerReq)} | ${(r.allocation.bytesPerReq / floor).toFixed(2)}× | ${r.failed} |`);
  const lifeline = of.find((r) => r.system === 'lifeline gateway (default stack)')!.allocation;
  console.log(`\nlifeline gateway (${mode}) by package: ${lifeline.byPackage.slice(0, 12).map((p) => `${p.name} ${kb(p.bytesPerReq)}`).join(' · ')} (KB per request)`);
  console.log('| function | where | B per request |\n|---|---|---:|');
  for (const site of lifeline.sites.slice(0, 15)) console.log(`| ${site.name} | ${site.package} ${site.where} | ${site.bytesPerReq.toFixed(0)} |`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ rows }, null, 1));
