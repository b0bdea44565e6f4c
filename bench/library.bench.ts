/**
 * Library overhead with the full recommended stack: `createClient` with fallbackResponse, cache
 * (every request a miss: a counter in the message), meter, rateLimit, failover, retry,
 * circuitBreaker and timeout, through the OpenAI adapter, against raw `undici.request` +
 * `JSON.parse` and the official `openai` SDK — same mock (its own process), same concurrency,
 * interleaved rounds in one run. CPU per call is this process's CPU time (the mock's is not billed).
 *
 * Run: `npm run build && node bench/library.bench.ts [--quick]` (`BENCH_OUT=file.json` writes JSON).
 * `--baseline=<dir>` (or `BENCH_BASELINE=<dir>`): also the same two clients built from another
 * checkout (its `packages/<name>/dist`), interleaved in the same rounds, for before/after in one run.
 */
import { writeFileSync } from 'node:fs';
import { openai } from '@lifeline/adapters';
import { RESPONSE_JSON, createClient } from '@lifeline/core';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { compare, table } from './lib/load.ts';
import { startMockProcess } from './lib/mock-process.ts';
import { join } from 'node:path';
import { recommendedStack, stackFrom, type StackModules } from './lib/stack.ts';
import { profileInProcess, type ProfileSummary } from './lib/profile.ts';

const quick = process.argv.includes('--quick');
const baselineDir = process.argv.find((a) => a.startsWith('--baseline='))?.slice(11) ?? process.env.BENCH_BASELINE;
const profile = !process.argv.includes('--no-profile');
const callsArg = process.argv.find((a) => a.startsWith('--calls='))?.slice(8);
// `--calls=N --rounds=M`: N calls per case and round (short rounds interleave builds more finely on a busy machine).
const total = callsArg ? Number(callsArg) : quick ? 1500 : 4000;
const roundsArg = process.argv.find((a) => a.startsWith('--rounds='))?.slice(9);
const rounds = roundsArg ? Number(roundsArg) : quick ? 3 : 5;
// `--no-sdk`: leave out the official SDK (slow to run; not needed for a before/after).
const withSdk = !process.argv.includes('--no-sdk');
// `--response-json`: also run the full stack with `RESPONSE_JSON` in the call's metadata (the cache
// stores the provider's body text instead of serialising the answer), beside the plain full stack.
const withResponseJson = process.argv.includes('--response-json');
const vouched = { metadata: { [RESPONSE_JSON]: true } as Record<string, unknown> };
const concurrency = 16;
const apiKey = 'test-key';
const mock = await startMockProcess({ flavor: 'openai', apiKey, maxRecorded: 1 });

let n = 0;
const body = () => ({
  model: 'gpt-4.1-mini',
  messages: [{ role: 'user' as const, content: `Say hello in five words. Request ${++n}` }],
  max_tokens: 32,
});

const agent = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
const rawUrl = `${mock.url}/chat/completions`;
const rawHeaders = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
async function raw() {
  const res = await request(rawUrl, { method: 'POST', headers: rawHeaders, body: JSON.stringify(body()), dispatcher: agent });
  const json = JSON.parse(await res.body.text());
  if (res.statusCode !== 200) throw new Error(String(res.statusCode));
  return json;
}

const primary = openai({ baseURL: mock.url, apiKey, name: 'primary', connections: concurrency });
const backup = openai({ baseURL: mock.url, apiKey, name: 'backup', connections: concurrency });
const full = createClient({ use: recommendedStack(primary, backup) });
const bare = createClient({ adapter: primary });
const sdk = new OpenAI({ baseURL: mock.url, apiKey, maxRetries: 0 });

// The baseline build's packages, loaded by path beside this build's (each resolves its own deps).
const load = (pkg: string) => import(join(baselineDir ?? '', 'packages', pkg, 'dist/index.js'));
const base = baselineDir
  ? await (async () => {
      const [core, adapters, cacheMod, failoverMod, pricing, rateLimitMod, retryMod, breakerMod] = await Promise.all(
        ['core', 'adapters', 'cache', 'failover', 'pricing', 'rate-limit', 'retry', 'circuit-breaker'].map(load),
      );
      const mods: StackModules = { ...core, ...adapters, ...cacheMod, ...failoverMod, ...pricing, ...rateLimitMod, ...retryMod, ...breakerMod };
      const p = adapters.openai({ baseURL: mock.url, apiKey, name: 'primary', connections: concurrency });
      const b = adapters.openai({ baseURL: mock.url, apiKey, name: 'backup', connections: concurrency });
      return {
        full: core.createClient({ use: stackFrom(mods, p, b) }) as typeof full,
        bare: core.createClient({ adapter: p }) as typeof bare,
        close: () => Promise.all([p.close(), b.close()]),
      };
    })()
  : undefined;

const names = {
  raw: 'raw undici.request + JSON.parse (baseline)',
  full: 'lifeline createClient, full recommended stack (8 middleware)',
  bare: 'lifeline createClient({ adapter }) (no middleware)',
  fullJson: 'lifeline full stack, RESPONSE_JSON',
  sdk: 'official openai SDK chat.completions.create()',
  baseFull: 'baseline build: full recommended stack',
  baseBare: 'baseline build: createClient({ adapter })',
};
const results = await compare(
  [
    [names.raw, raw],
    [names.full, async () => {
      const { meta } = await full.chat(body());
      if (meta.degraded || meta.cache !== 'miss') throw new Error(`unexpected ${meta.cache} ${meta.degraded}`);
    }],
    [names.bare, () => bare.chat(body())],
    ...(withResponseJson
      ? ([[names.fullJson, async () => {
          const { meta } = await full.chat(body(), vouched);
          if (meta.degraded || meta.cache !== 'miss') throw new Error(`unexpected ${meta.cache} ${meta.degraded}`);
        }]] as Array<[string, () => Promise<unknown>]>)
      : []),
    ...(withSdk ? ([[names.sdk, () => sdk.chat.completions.create(body())]] as Array<[string, () => Promise<unknown>]>) : []),
    ...(base
      ? ([
          [names.baseFull, async () => {
            const { meta } = await base.full.chat(body());
            if (meta.degraded || meta.cache !== 'miss') throw new Error(`unexpected ${meta.cache} ${meta.degraded}`);
          }],
          [names.baseBare, () => base.bare.chat(body())],
        ] as Array<[string, () => Promise<unknown>]>)
      : []),
  ],
  // Warm-up long enough for the JIT's steady state (with 300 calls, raw undici was still ~2× its
  // steady-state CPU in the measured rounds, and the ratios against it looked better than they are).
  { total, concurrency, rounds, warmup: quick ? 2000 : 4000 },
);

console.log(`\nLibrary overhead — node ${process.version}, ${total} calls × ${rounds} rounds (median), concurrency ${concurrency}\n`);
console.log(table(results, names.raw));
const cpu = (name: string) => results.find((r) => r.name === name)!.cpuUsPerCall;
const vsRaw = cpu(names.full) / cpu(names.raw);
const vsSdk = withSdk ? cpu(names.full) / cpu(names.sdk) : NaN;
const vsRawBare = cpu(names.bare) / cpu(names.raw);
console.log(`\nfull stack: ${vsRaw.toFixed(2)}× raw undici CPU (target ≤ 1.3×), ${vsSdk.toFixed(2)}× the official SDK (target < 1×)`);
console.log(`no middleware: ${vsRawBare.toFixed(2)}× raw undici CPU (target ≤ 1.05×)`);
if (withResponseJson) console.log(`full stack with RESPONSE_JSON: ${(cpu(names.fullJson) / cpu(names.raw)).toFixed(2)}× raw, ${(cpu(names.fullJson) / cpu(names.full)).toFixed(3)}× the plain full stack`);
if (base) {
  console.log(`baseline build (${baselineDir}): full stack ${(cpu(names.baseFull) / cpu(names.raw)).toFixed(2)}× raw, no middleware ${(cpu(names.baseBare) / cpu(names.raw)).toFixed(2)}× raw; ` +
    `this build vs baseline: full ${(cpu(names.full) / cpu(names.baseFull)).toFixed(2)}×, no middleware ${(cpu(names.bare) / cpu(names.baseBare)).toFixed(2)}×`);
}

// Where the full stack spends its CPU: the same load, sampled by the inspector.
let hotSpots: ProfileSummary | undefined;
if (profile) {
  hotSpots = await profileInProcess(async () => {
    let left = quick ? 2000 : 6000;
    const worker = async () => {
      while (left-- > 0) await full.chat(body());
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  console.log('\nfull stack profile, top self time (idle excluded)');
  for (const h of hotSpots.total.slice(0, 15)) console.log(`| ${h.selfPct.toFixed(1)}% | ${h.package} | ${h.name} | ${h.where} |`);
  for (const p of hotSpots.byPackage) console.log(`| ${p.selfPct.toFixed(1)}% | ${p.name} |`);
}
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify({ total, rounds, concurrency, results, vsRaw, vsSdk, hotSpots }));
await Promise.all([primary.close?.(), backup.close?.(), agent.close(), base?.close()]);
await mock.close();
