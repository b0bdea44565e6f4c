/**
 * Turns the JSON the benches wrote into `bench/RESULTS.md` (tables, targets met or missed, profile
 * hot spots) and the panels of `bench/latency.svg`.
 */
import { figuresTable, medianRatio, type CaseFigures } from './case-process.ts';
import type { ProfileSummary } from './profile.ts';
import { median } from './stats.ts';
import type { Panel } from './svg.ts';

interface GatewayRow {
  mode: 'json' | 'stream' | 'fallback';
  load: 'sequential' | 'concurrent';
  system: string;
  requests: number;
  failed: number;
  rps: number;
  p50Us: number;
  p99Us: number;
  cpuUsPerReq?: number;
  latenciesUs: number[];
  /** CPU µs per request of each round, in round order (absent in runs before it was recorded). */
  cpuRounds?: number[];
}
export interface GatewayOut {
  quick: boolean;
  rounds: number;
  amount: { sequential: number; concurrent: number };
  /** Requests per server and mode (at 32 connections) before measuring (absent in runs before it was recorded). */
  warmup?: number;
  /** Then requests per server, mode and load before that load's rounds. */
  loadWarmup?: { sequential: number; concurrent: number };
  /** Node flags of the bare proxies (`--floors-tuned`). */
  floorFlags?: string[];
  rows: GatewayRow[];
  ttfb: Array<{ system: string; p50Us: number; p99Us: number }>;
  hotSpots?: Partial<Record<'json' | 'stream', ProfileSummary>>;
}
export interface LibraryOut {
  total: number;
  rounds: number;
  warmup: number;
  /** Node flags of the case processes. */
  v8Flags?: string[];
  /** Processes per case (each window split across them). */
  processes?: number;
  concurrency: number;
  results: CaseFigures[];
  vsRaw: number;
  vsSdk: number;
  hotSpots?: ProfileSummary;
}
export interface FailoverOut {
  rows: Array<{ primary: string; breaker: string; samples: number; p50Ms: number; maxMs: number; attempts: number; answeredBy: string }>;
  hedgeRows: Array<{ mode: string; requests: number; p50Ms: number; p99Ms: number; attemptsPerRequest: number }>;
  config: { retry: unknown; attemptMs: number; hedgeAfterMs: number; slowMs: number };
}
export interface PacedRun {
  system: string;
  streams: number;
  completed: number;
  wallS: number;
  cpuS: number;
  cpuUsPerChunk: number;
  idleRssMB: number;
  peakRssMB: number;
  kbPerStream: number;
  /** Most streams in flight at once (head received, body not ended), counted by the client. */
  peakInFlight?: number;
}
export interface PacedOut {
  streams: number;
  chunks: number;
  intervalMs: number;
  rounds: number;
  loadavg: number[];
  fdLimit: number;
  runs: PacedRun[];
  max?: PacedRun;
  maxWanted?: number;
  /** Chunks per stream in the `--max` run, their spacing and the ramp it opens its streams in. */
  maxChunks?: number;
  maxIntervalMs?: number;
  maxRampMs?: number;
  /** What the `--max` run's gateway spoke to its mock. */
  maxUpstream?: 'h1' | 'h2c';
  cpuRatio: number;
  memRatio: number;
  /** The same for the default config as shipped (record-only cache), when measured beside it. */
  cpuRatioShipped?: number;
  memRatioShipped?: number;
}
export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memGiB: number;
  node: string;
  os: string;
  loadavg: number[];
  quick: boolean;
  seconds?: number;
}

export const SYSTEM = {
  direct: 'mock directly',
  bare: 'bare node:http + undici proxy',
  fastify: 'bare Fastify + undici proxy',
  parsing: 'parsing proxy: bare node:http, each event parsed and re-serialised',
  lifeline: 'lifeline gateway (default stack)',
  lifelineNoCache: 'lifeline gateway (default stack, cache off)',
  quiet: 'lifeline gateway (logLevel warn)',
  fallbackEvery: 'lifeline gateway (no retry, breaker never opens)',
  fallbackOpen: 'lifeline gateway (default stack: breaker open → backup)',
  portkey: 'portkey gateway',
};

const f0 = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(0));
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');

/** `a`'s CPU per request over `b`'s, round by round (the rounds interleave the systems); none for runs that did not record rounds. */
function roundRatios(a: GatewayRow, b: GatewayRow): number[] | undefined {
  const ra = a.cpuRounds;
  const rb = b.cpuRounds;
  return ra && rb && ra.length === rb.length ? ra.map((x, i) => x / rb[i]!) : undefined;
}

/** The median of the per-round ratios of `a` over `b`, else the ratio of their medians. */
function roundRatio(a: GatewayRow, b: GatewayRow): number {
  const xs = roundRatios(a, b);
  return xs ? median(xs) : a.cpuUsPerReq! / b.cpuUsPerReq!;
}

/** The lowest and highest per-round ratio of `a` over `b`, when there are several rounds. */
function ratioRange(a: GatewayRow, b: GatewayRow): string | undefined {
  const xs = roundRatios(a, b);
  return xs && xs.length > 1 ? `${f2(Math.min(...xs))}–${f2(Math.max(...xs))}×` : undefined;
}

function find(g: GatewayOut, mode: string, load: string, system: string): GatewayRow | undefined {
  return g.rows.find((r) => r.mode === mode && r.load === load && r.system === system);
}

/** Panels for the chart: every gateway scenario. */
export function panelsOf(g: GatewayOut): Panel[] {
  const panels: Panel[] = [];
  for (const mode of ['json', 'stream', 'fallback'] as const) {
    for (const load of ['sequential', 'concurrent'] as const) {
      const rows = g.rows.filter((r) => r.mode === mode && r.load === load);
      const title = `${mode === 'json' ? 'JSON' : mode === 'stream' ? 'Streaming (SSE)' : '503 → fallback'} — ${load === 'sequential' ? '1 connection' : '32 connections'}`;
      panels.push({ title, rows: rows.map((r) => ({ label: r.system, latenciesUs: r.latenciesUs })) });
    }
  }
  return panels;
}

export function renderResults(m: Machine, lib: LibraryOut | undefined, fo: FailoverOut | undefined, g: GatewayOut | undefined, extras: Array<{ name: string; output: string }>, paced?: PacedOut): string {
  const L: string[] = [];
  L.push('# Lifeline benchmarks', '');
  L.push(`Measured ${m.date} on ${m.cpu} (${m.cores} cores, ${m.memGiB} GiB), Node ${m.node}, ${m.os}. Load average at start: ${m.loadavg.map(f2).join(' / ')}${m.quick ? ' — **quick run** (`--quick`): fewer requests, one round; a smoke test — its small rounds inflate every server\'s CPU per request and compress the ratios, so judge the targets by a full run' : ''}.`);
  L.push('', 'Every comparison below ran side by side in one run, against the same mock provider (`@lifeline/testing`, in its own process), on loopback. CPU figures are the CPU time (user + system) of the process under test divided by the requests it served: steadier than req/s on a 2-core machine where the load generator, the mock and the server share the cores. Regenerate with `npm run bench` (or `npm run bench -- --quick`).', '');
  L.push('![latency distributions](latency.svg)', '');

  const targets: string[] = [];
  if (lib) {
    L.push('## Library: `createClient` with the full recommended stack', '');
    L.push(`fallbackResponse → cache (every call a miss) → meter → rateLimit → failover([primary, backup]) → retry → circuitBreaker → timeout, through the OpenAI adapter. Each case runs in ${lib.processes ?? 1} process(es) of its own (the SDK in one), each warmed up with ${lib.warmup} calls; then ${lib.rounds} rounds of ${lib.total} calls per case (split across its processes), interleaved with the other cases, concurrency ${lib.concurrency}. CPU is the case process's; a ratio is the median of the per-round ratios against raw undici (the middle half of the rounds beside it). ${lib.v8Flags?.length ? `Every case process runs with \`${lib.v8Flags.join(' ')}\` (\`--no-pretenuring\`).` : 'Case processes run with V8\'s defaults (which objects V8 pretenures depends on each process\'s start-up: one source of the spread between rounds and runs).'}`, '');
    L.push(figuresTable(lib.results), '');
    targets.push(`| library: full stack CPU ≤ 1.3× raw undici | ${f2(lib.vsRaw)}× | ${verdict(lib.vsRaw <= 1.3)} |`);
    const none = lib.results.find((r) => r.name.includes('no middleware'));
    if (none) targets.push(`| library: createClient with no middleware CPU ≤ 1.05× raw undici | ${f2(medianRatio(none))}× | ${verdict(medianRatio(none) <= 1.05)} |`);
    targets.push(`| library: full stack CPU < official SDK | ${f2(lib.vsSdk)}× the SDK | ${verdict(lib.vsSdk < 1)} |`);
  }

  if (g) {
    L.push('## Gateway: added latency and CPU per proxied request', '');
    L.push(`autocannon, ${g.amount.sequential} requests on 1 connection and ${g.amount.concurrent} on 32 connections per round, ${g.rounds} round(s) after a warm-up${g.warmup ? ` of ${g.warmup} requests per server and mode at 32 connections, then ${g.loadWarmup ? `${g.loadWarmup.sequential} (1 connection) or ${g.loadWarmup.concurrent} (32) per load` : 'a few per load'} (Portkey: at most 300 each)` : ''}; every request body unique (cache misses). *Added* latency is the gateway's percentile minus the direct call's. Portkey: \`@portkey-ai/gateway\` ${'`x-portkey-config`'} with provider \`openai\` and \`custom_host\` pointing at the mock. Lifeline's gateway runs as the \`lifeline\` command runs it, with V8's allocation-site pretenuring off (\`tuneHeapForServing()\`); the *parsing proxy* is the bare node:http one reading each event of a stream (SSE parsed, each event \`JSON.parse\`d and serialised again, the events of one read written together): the floor for a gateway that must read chunks to meter them, catch an in-band error or fail over before content. The targets name the default config with \`cache: false\`; the default as shipped (a record-only cache for stale-if-error answers) is measured beside it. The bare proxies run ${g.floorFlags?.length ? `with the same (\`${g.floorFlags.join(' ')}\`)` : "with Node's defaults (`--floors-tuned` runs them with it off too)"}.`, '');
    for (const mode of ['json', 'stream', 'fallback'] as const) {
      for (const load of ['sequential', 'concurrent'] as const) {
        const rows = g.rows.filter((r) => r.mode === mode && r.load === load);
        if (rows.length === 0) continue;
        const direct = find(g, mode === 'fallback' ? 'json' : mode, load, SYSTEM.direct);
        L.push(`### ${mode === 'json' ? 'JSON' : mode === 'stream' ? 'Streaming (SSE, ~25 chunks)' : '503 from the primary → fallback to the backup'}, ${load === 'sequential' ? 'sequential (1 connection)' : 'concurrent (32 connections)'}`, '');
        L.push('| system | req/s | p50 | p99 | added p50 | added p99 | gateway CPU µs/req | vs bare node:http | vs bare Fastify | failed |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
        const bare = find(g, mode, load, SYSTEM.bare);
        const fastify = find(g, mode, load, SYSTEM.fastify);
        for (const r of rows) {
          const added50 = direct && r.system !== SYSTEM.direct ? r.p50Us - direct.p50Us : undefined;
          const added99 = direct && r.system !== SYSTEM.direct ? r.p99Us - direct.p99Us : undefined;
          const ratio = bare?.cpuUsPerReq && r.cpuUsPerReq ? `${f2(r.cpuUsPerReq / bare.cpuUsPerReq)}×` : '—';
          const ratioFastify = fastify?.cpuUsPerReq && r.cpuUsPerReq ? `${f2(r.cpuUsPerReq / fastify.cpuUsPerReq)}×` : '—';
          const usOr = (v: number | undefined) => (v === undefined ? '—' : `${f0(v)} µs`);
          L.push(`| ${r.system} | ${f0(r.rps)} | ${usOr(r.p50Us)} | ${usOr(r.p99Us)} | ${usOr(added50)} | ${usOr(added99)} | ${f0(r.cpuUsPerReq)} | ${ratio} | ${ratioFastify} | ${r.failed} |`);
        }
        L.push('');
      }
    }
    L.push('### Time to the first streamed chunk', '', 'Sequential streams from a mock that sends one word every 2 ms: a gateway that buffers shows it here.', '');
    L.push('| system | p50 | p99 | added p50 |', '|---|---:|---:|---:|');
    const d = g.ttfb.find((t) => t.system === SYSTEM.direct);
    for (const t of g.ttfb) L.push(`| ${t.system} | ${f0(t.p50Us)} µs | ${f0(t.p99Us)} µs | ${d && t !== d ? `${f0(t.p50Us - d.p50Us)} µs` : '—'} |`);
    L.push('');

    // The targets name the default config with the cache off; the default as shipped (a record-only
    // cache) is shown beside it, and for streams the floor of a proxy that parses each event.
    for (const mode of ['json', 'stream'] as const) {
      for (const load of ['sequential', 'concurrent'] as const) {
        const judged = find(g, mode, load, SYSTEM.lifelineNoCache) ?? find(g, mode, load, SYSTEM.lifeline);
        const fastifyRow = find(g, mode, load, SYSTEM.fastify);
        const ours = judged?.cpuUsPerReq;
        const floor = fastifyRow?.cpuUsPerReq;
        if (!ours || !floor) continue;
        const shipped = judged!.system === SYSTEM.lifeline ? undefined : find(g, mode, load, SYSTEM.lifeline);
        const parsing = mode === 'stream' ? find(g, mode, load, SYSTEM.parsing) : undefined;
        const ratio = roundRatio(judged!, fastifyRow!);
        const beside = [shipped ? `with the record-only cache ${f2(roundRatio(shipped, fastifyRow!))}×` : '', parsing ? `the parsing proxy ${f2(roundRatio(parsing, fastifyRow!))}×` : ''].filter(Boolean).join('; ');
        const spread = ratioRange(judged!, fastifyRow!);
        targets.push(`| gateway ${mode} ${load}${judged!.system === SYSTEM.lifelineNoCache ? ' (cache off)' : ''}: CPU ≤ 1.5× the bare Fastify proxy | ${f0(ours)} vs ${f0(floor)} µs; ${f2(ratio)}×${spread ? ` (rounds ${spread})` : ''}${beside ? `; ${beside}` : ''} | ${verdict(ratio <= 1.5)} |`);
      }
    }
    const jsonSeq = find(g, 'json', 'sequential', SYSTEM.lifelineNoCache) ?? find(g, 'json', 'sequential', SYSTEM.lifeline);
    const directSeq = find(g, 'json', 'sequential', SYSTEM.direct);
    const fastifySeq = find(g, 'json', 'sequential', SYSTEM.fastify);
    if (jsonSeq && directSeq && fastifySeq) {
      const added = jsonSeq.p50Us - directSeq.p50Us;
      targets.push(`| gateway json sequential${jsonSeq.system === SYSTEM.lifelineNoCache ? ' (cache off)' : ''}: p50 added latency ≤ 0.3 ms | ${f0(added)} µs (bare Fastify's own hop ${f0(fastifySeq.p50Us - directSeq.p50Us)} µs) | ${verdict(added <= 300)} |`);
    }
    for (const load of ['sequential', 'concurrent'] as const) {
      // One extra upstream call's worth at most: a 503 → fallback may cost up to twice a plain request
      // through the same gateway (same settings: logs at warn).
      // Judged, as the other gateway targets, by the median of the per-round ratios.
      const fbRow = find(g, 'fallback', load, SYSTEM.fallbackEvery);
      const jsonRow = find(g, 'json', load, SYSTEM.quiet);
      const bareFb = find(g, 'fallback', load, SYSTEM.bare);
      const bareJson = find(g, 'json', load, SYSTEM.bare);
      const pkFb = g.rows.find((r) => r.mode === 'fallback' && r.load === load && r.system === SYSTEM.portkey)?.cpuUsPerReq;
      const pkJson = find(g, 'json', load, SYSTEM.portkey)?.cpuUsPerReq;
      if (fbRow?.cpuUsPerReq && jsonRow?.cpuUsPerReq && bareFb?.cpuUsPerReq && bareJson?.cpuUsPerReq) {
        const ratio = roundRatio(fbRow, jsonRow);
        const range = ratioRange(fbRow, jsonRow);
        const others = `bare ${f2(roundRatio(bareFb, bareJson))}×${pkFb && pkJson ? `, portkey ${f2(pkFb / pkJson)}×` : ''}`;
        targets.push(`| gateway fallback ${load}: a 503 → fallback costs ≤ one extra upstream call (≤ 2× a plain request) | ${f0(fbRow.cpuUsPerReq)} vs ${f0(jsonRow.cpuUsPerReq)} µs; ${f2(ratio)}×${range ? ` (rounds ${range})` : ''} (${others}) | ${verdict(ratio <= 2)} |`);
      }
    }
    const dt = g.ttfb.find((t) => t.system === SYSTEM.direct);
    const lt = g.ttfb.find((t) => t.system === SYSTEM.lifeline);
    const lj = find(g, 'json', 'sequential', SYSTEM.lifeline);
    const dj = find(g, 'json', 'sequential', SYSTEM.direct);
    if (dt && lt && lj && dj) {
      const added = lt.p50Us - dt.p50Us;
      const jsonAdded = lj.p50Us - dj.p50Us;
      targets.push(`| gateway stream: no added delay before the first chunk (added TTFB ≤ added JSON latency + one 2 ms chunk interval) | +${f0(added)} µs vs JSON +${f0(jsonAdded)} µs | ${verdict(added <= jsonAdded + 2000)} |`);
    }
  }

  if (paced) {
    L.push('## Paced streams: CPU and memory per in-flight stream', '');
    L.push(`${paced.streams} concurrent streams of ${paced.chunks} chunks sent ${paced.intervalMs} ms apart by the mock (its own process), opened within a 2 s ramp, through each proxy (a fresh process per round, default config), ${paced.rounds} interleaved round(s). CPU is the proxy process's over the whole run; memory per in-flight stream is (peak RSS − RSS after a warm-up) / streams, the peak read by the process itself (\`process.resourceUsage().maxRSS\`). Load average at the start of this bench: ${paced.loadavg.map(f2).join(' / ')}; \`ulimit -n\` ${paced.fdLimit}. Run alone: \`npm run bench:paced -w bench\`.`, '');
    L.push('| system | completed | CPU s (range over rounds) | idle RSS MB | peak RSS MB | KB per in-flight stream |', '|---|---:|---:|---:|---:|---:|');
    const range = (xs: number[], d: number) => (xs.length > 1 ? `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}` : xs[0]!.toFixed(d));
    for (const system of [...new Set(paced.runs.map((r) => r.system))]) {
      const rs = paced.runs.filter((r) => r.system === system);
      L.push(`| ${system} | ${Math.min(...rs.map((r) => r.completed))}/${rs[0]!.streams} | ${range(rs.map((r) => r.cpuS), 2)} | ${range(rs.map((r) => r.idleRssMB), 0)} | ${range(rs.map((r) => r.peakRssMB), 0)} | ${range(rs.map((r) => r.kbPerStream), 0)} |`);
    }
    L.push('');
    if (paced.max) {
      const mx = paced.max;
      const h2c = paced.maxUpstream !== 'h1';
      L.push(`**${mx.streams} concurrent streams through one gateway process**: ${mx.completed}/${mx.streams} completed (${mx.streams - mx.completed} lost), ${mx.peakInFlight ?? '?'} in flight at the peak, in ${f1(mx.wallS)} s; CPU ${f1(mx.cpuS)} s; peak RSS ${f0(mx.peakRssMB)} MB (${f0(mx.kbPerStream)} KB per stream). Streams of ${paced.maxChunks ?? paced.chunks} chunks ${paced.maxIntervalMs ?? paced.intervalMs} ms apart, opened within ${(paced.maxRampMs ?? 8_000) / 1000} s, so all are in flight at once. The bench re-runs itself under \`sh -c 'ulimit -n 65536 && exec node …'\` (children inherit the limit; the hard limit here is ${paced.fdLimit}). ${h2c ? 'The gateway speaks HTTP/2 (h2c) to this run\'s mock (`http2: true` on the provider), as it would to an HTTPS provider that negotiates h2: the streams share a few upstream connections and each holds one descriptor in the gateway (over HTTP/1.1 each holds two: `--max-upstream=h1`).' : 'Over HTTP/1.1 each stream holds two descriptors in the gateway (client and upstream).'}${paced.maxWanted && paced.maxWanted > mx.streams ? ` With this machine's hard limit the run was capped at ${mx.streams} streams instead of ${paced.maxWanted}.` : ''}`, '');
      targets.push(`| paced: ${paced.maxWanted ?? mx.streams} concurrent streams through one gateway process, none lost | ${mx.completed}/${mx.streams} completed${paced.maxWanted && paced.maxWanted > mx.streams ? ` (capped by ulimit -n ${paced.fdLimit})` : ''} | ${verdict(mx.completed === mx.streams && !(paced.maxWanted && paced.maxWanted > mx.streams))} |`);
    }
    const offNote = paced.cpuRatioShipped !== undefined ? ' (cache off)' : '';
    const shippedCpu = paced.cpuRatioShipped !== undefined ? ` (with the record-only cache ${f2(paced.cpuRatioShipped)}×)` : '';
    const shippedMem = paced.memRatioShipped !== undefined ? ` (with the record-only cache ${f2(paced.memRatioShipped)}×)` : '';
    targets.push(`| paced${offNote}: CPU ≤ 1.3× the bare proxy at ${paced.streams} streams | ${f2(paced.cpuRatio)}×${shippedCpu} | ${verdict(paced.cpuRatio <= 1.3)} |`);
    targets.push(`| paced${offNote}: memory per in-flight stream ≤ 1.3× the bare proxy | ${f2(paced.memRatio)}×${shippedMem} | ${verdict(paced.memRatio <= 1.3)} |`);
  }

  if (fo) {
    L.push('## Failover: time to an answer when the primary is down', '');
    L.push(`\`failover([primary, backup])\`, \`retry(${JSON.stringify(fo.config.retry)})\`, \`circuitBreaker()\`, \`timeout({ ms: ${fo.config.attemptMs} })\` per attempt. *Closed*: a breaker that never opens, so every call meets the dead primary; *open*: tripped beforehand.`, '');
    L.push('| primary | breaker | samples | p50 | max | upstream attempts/call | answered by |', '|---|---|---:|---:|---:|---:|---|');
    for (const r of fo.rows) L.push(`| ${r.primary} | ${r.breaker} | ${r.samples} | ${f1(r.p50Ms)} ms | ${f1(r.maxMs)} ms | ${f1(r.attempts)} | ${r.answeredBy} |`);
    L.push('', `### Hedging when the primary is slow`, '', `One primary request in ten takes ${fo.config.slowMs} ms longer; the backup is fast; sequential calls.`, '');
    L.push('| mode | requests | p50 | p99 | upstream attempts/request |', '|---|---:|---:|---:|---:|');
    for (const h of fo.hedgeRows) L.push(`| ${h.mode} | ${h.requests} | ${f1(h.p50Ms)} ms | ${f1(h.p99Ms)} ms | ${f2(h.attemptsPerRequest)} |`);
    L.push('');
  }

  if (targets.length) {
    L.push('## Targets', '', '| target | measured | |', '|---|---|---|', ...targets, '');
  }

  const hot = (title: string, p: ProfileSummary | undefined) => {
    if (!p) return;
    L.push(`### ${title}`, '', '| self time | package | function | where |', '|---:|---|---|---|');
    for (const h of p.total.slice(0, 20)) L.push(`| ${f1(h.selfPct)}% | ${h.package} | \`${h.name}\` | ${h.where || '—'} |`);
    L.push('', 'By package: ' + p.byPackage.map((b) => `${b.name} ${f1(b.selfPct)}%`).join(' · '), '');
  };
  if (g?.hotSpots?.json || lib?.hotSpots) {
    L.push('## Profiles (V8\'s sampling profiler, self time, idle excluded)', '');
    if (g?.hotSpots?.json || g?.hotSpots?.stream) {
      L.push('The gateway as the targets name it (default stack, `cache: false`, logs at info), sampled over a window of load after the rounds: the same warm process, steady state (no start-up, no JIT warm-up).', '');
    }
    hot('Lifeline gateway, JSON load (32 connections)', g?.hotSpots?.json);
    hot('Lifeline gateway, streaming load (32 connections)', g?.hotSpots?.stream);
    hot('Library: `createClient` with the full stack (16 in flight)', lib?.hotSpots);
  }

  for (const e of extras) {
    L.push(`## ${e.name}`, '', '```', e.output.trim(), '```', '');
  }
  if (m.seconds !== undefined) L.push(`_The whole run took ${Math.round(m.seconds)} s._`, '');
  return L.join('\n');
}
