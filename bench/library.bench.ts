/**
 * Library overhead with the full recommended stack: `createClient` with fallbackResponse, cache
 * (every request a miss: a counter in the message), meter, rateLimit, failover, retry,
 * circuitBreaker and timeout, through the OpenAI adapter, against raw `undici.request` +
 * `JSON.parse` and the official `openai` SDK — same mock (its own process), same concurrency. Each
 * case runs in a process of its own (lib/library-case.ts), warmed up to the JIT's steady state, and
 * the cases' measured windows interleave round by round; CPU per call is the case process's own CPU
 * time (the mock's is not billed), and each ratio is the median of the per-round ratios.
 *
 * Run: `npm run build && node bench/library.bench.ts [--quick]` (`BENCH_OUT=file.json` writes JSON).
 * `--baseline=<dir>` (or `BENCH_BASELINE=<dir>`): also the same two clients built from another
 * checkout (its `packages/<name>/dist`), interleaved in the same rounds, for before/after in one run.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baselineArg, numberArg } from './lib/args.ts';
import { figuresTable, measureInterleaved, medianRatio, startCaseProcess, type CaseFigures } from './lib/case-process.ts';
import { startMockProcess } from './lib/mock-process.ts';
import type { ProfileSummary } from './lib/profile.ts';

const quick = process.argv.includes('--quick');
const baseline = baselineArg();
const baselineDir = baseline ? resolve(baseline) : undefined;
const profile = !process.argv.includes('--no-profile');
// `--calls=N --rounds=M`: N calls per case and round; `--warmup=N` calls per case before the rounds.
const total = numberArg('calls', quick ? 2000 : 4000);
const rounds = numberArg('rounds', quick ? 5 : 11);
// Long enough for the JIT's steady state: with 4,000 calls, the first rounds after it still ran at
// ~2× the CPU per call of the later ones (TurboFan compiling on its threads, billed to the case).
const warmup = numberArg('warmup', quick ? 10_000 : 20_000);
// `--no-sdk`: leave out the official SDK (slow to run; not needed for a before/after).
const withSdk = !process.argv.includes('--no-sdk');
// `--response-json`: also run the full stack with `RESPONSE_JSON` in the call's metadata (the cache
// stores the provider's body text instead of serialising the answer), beside the plain full stack.
const withResponseJson = process.argv.includes('--response-json');
const mock = await startMockProcess({ flavor: 'openai', apiKey: 'test-key', maxRecorded: 1 });

const names = {
  raw: 'raw undici.request + JSON.parse (baseline)',
  full: 'lifeline createClient, full recommended stack (8 middleware)',
  bare: 'lifeline createClient({ adapter }) (no middleware)',
  fullJson: 'lifeline full stack, RESPONSE_JSON',
  sdk: 'official openai SDK chat.completions.create()',
  baseFull: 'baseline build: full recommended stack',
  baseBare: 'baseline build: createClient({ adapter })',
};
const caseScript = fileURLToPath(new URL('./lib/library-case.ts', import.meta.url));
const plan: Array<[string, string, string?]> = [
  [names.raw, 'raw'],
  [names.full, 'full'],
  [names.bare, 'bare'],
  ...(withResponseJson ? [[names.fullJson, 'fullJson'] as [string, string]] : []),
  ...(withSdk ? [[names.sdk, 'sdk'] as [string, string]] : []),
  ...(baselineDir ? [[names.baseFull, 'full', baselineDir], [names.baseBare, 'bare', baselineDir]] as Array<[string, string, string]> : []),
];
// V8 pretenures an allocation site when the objects it made outlived young collections early on, and
// from then on every young object those reference survives each scavenge until a full collection.
// Which sites it picks depends on a process's start-up (what it imports, when its first scavenges
// fall): in one run raw undici's request objects were pretenured, in another the full stack's. The
// cases run with V8's defaults, as applications do; `--no-pretenuring` runs them without it, which
// removes that draw but also costs the cache (its entries do live long: the full stack measured
// 1.8-1.9x raw undici that way against 1.5x with the defaults, four runs).
const caseFlags = process.argv.includes('--no-pretenuring') ? ['--no-allocation-site-pretenuring'] : [];
// `--processes=N` per case (default 3; the SDK, slow to warm up, 1): each window is split across them.
const perCase = numberArg('processes', 3);
// Every case in processes of its own, stepped through interleaved windows (see lib/case-process.ts).
const cases = await Promise.all(
  plan.map(async ([name, kind, dir]) => ({
    name,
    processes: await Promise.all(
      Array.from({ length: kind === 'sdk' ? 1 : perCase }, () => startCaseProcess(caseScript, [kind, mock.url, ...(dir ? [dir] : [])], caseFlags)),
    ),
  })),
);
const results = await measureInterleaved(cases, { warmup, calls: total, rounds });

console.log(`\nLibrary overhead — node ${process.version}${caseFlags.length ? ' --no-allocation-site-pretenuring' : ' (V8 defaults)'}, each case in ${perCase} processes of its own (the SDK in 1): ${warmup} calls of warm-up in each, then ${rounds} rounds × ${total} calls, interleaved; concurrency 16\n`);
console.log(figuresTable(results));
const figures = (name: string): CaseFigures => results.find((r) => r.name === name)!;
const vsRaw = medianRatio(figures(names.full));
const vsSdk = withSdk ? figures(names.full).cpuUsPerCall / figures(names.sdk).cpuUsPerCall : NaN;
const vsRawBare = medianRatio(figures(names.bare));
console.log(`\nfull stack: ${vsRaw.toFixed(2)}× raw undici CPU (target ≤ 1.3×), ${vsSdk.toFixed(2)}× the official SDK (target < 1×)`);
console.log(`no middleware: ${vsRawBare.toFixed(2)}× raw undici CPU (target ≤ 1.05×)`);
if (withResponseJson) console.log(`full stack with RESPONSE_JSON: ${medianRatio(figures(names.fullJson)).toFixed(2)}× raw, ${(figures(names.fullJson).cpuUsPerCall / figures(names.full).cpuUsPerCall).toFixed(3)}× the plain full stack`);
if (baselineDir) {
  const [bf, bb] = [figures(names.baseFull), figures(names.baseBare)];
  console.log(`baseline build (${baselineDir}): full stack ${medianRatio(bf).toFixed(2)}× raw, no middleware ${medianRatio(bb).toFixed(2)}× raw; ` +
    `this build vs baseline: full ${(vsRaw / medianRatio(bf)).toFixed(2)}×, no middleware ${(vsRawBare / medianRatio(bb)).toFixed(2)}×`);
}

// Where the full stack spends its CPU: the same load, sampled by the inspector.
let hotSpots: ProfileSummary | undefined;
if (profile) {
  hotSpots = await cases[1]!.processes[0]!.profile(quick ? 2000 : 6000);
  console.log('\nfull stack profile, top self time (idle excluded)');
  for (const h of hotSpots.total.slice(0, 15)) console.log(`| ${h.selfPct.toFixed(1)}% | ${h.package} | ${h.name} | ${h.where} |`);
  for (const p of hotSpots.byPackage) console.log(`| ${p.selfPct.toFixed(1)}% | ${p.name} |`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ total, rounds, warmup, processes: perCase, v8Flags: caseFlags, concurrency: 16, results, vsRaw, vsSdk, hotSpots }));
await Promise.all(cases.flatMap((c) => c.processes.map((p) => p.close())));
await mock.close();
