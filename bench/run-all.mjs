#!/usr/bin/env node
/**
 * `npm run bench [-- --quick]`: runs the library, failover, gateway and paced-stream benchmarks (and, in a full
 * run, the per-package benches), then writes `bench/RESULTS.md` and `bench/latency.svg`.
 * Each bench runs in its own Node process and hands its figures over as JSON (kept in
 * `$TMPDIR/lifeline-bench-last`; `--report-only` re-renders the report from them).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { panelsOf, renderResults } from './lib/report.ts';
import { latencySvg } from './lib/svg.ts';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const started = performance.now();
// The raw figures of the last run stay here: `--report-only` rewrites RESULTS.md and the chart from them.
const tmp = join(tmpdir(), 'lifeline-bench-last');
mkdirSync(tmp, { recursive: true });
const reportOnly = process.argv.includes('--report-only');
const machine = {
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  os: `${type()} ${release()}`,
  loadavg: loadavg(),
  quick,
};

/** Runs one bench file; resolves with its stdout (also shown) and its JSON output, if any. */
function runBench(file, { json = true, args = [], nodeArgs = [], timeoutMs = 480_000 } = {}) {
  const out = join(tmp, `${file}.json`);
  if (reportOnly) return Promise.resolve({ code: 0, stdout: '', data: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined });
  console.log(`\n▶ ${file} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, join(here, file), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_OUT: out },
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      process.stdout.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) console.error(`✖ ${file} exited with ${code}`);
      const data = json && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
      resolve({ code, stdout, data });
    });
  });
}

const flags = quick ? ['--quick'] : [];
const library = await runBench('library.bench.ts', { args: flags });
const failover = await runBench('failover.bench.ts', { args: flags });
const gateway = await runBench('gateway.bench.ts', { args: flags, timeoutMs: 900_000 });
const paced = await runBench('paced.bench.ts', { args: flags, timeoutMs: 600_000 });
const extras = [];
if (!reportOnly) {
  // Cache hits per CPU-second are a target of their own: measured in the quick run too.
  const cacheBench = ['cache (cache.bench.ts)', 'cache.bench.ts', ['--expose-gc']];
  const perPackage = quick
    ? [cacheBench]
    : [
        ['core: the bare onion (core.bench.ts)', 'core.bench.ts', []],
        ['adapters: createClient({ adapter }) vs raw undici vs the SDK (adapter.bench.ts)', 'adapter.bench.ts', []],
        ['retry + circuit breaker vs cockatiel (resilience.bench.ts)', 'resilience.bench.ts', []],
        cacheBench,
        ['OpenTelemetry: otel() without and with an SDK (otel.bench.ts)', 'otel.bench.ts', []],
        ['embeddings: library and gateway vs raw undici (embeddings.bench.ts)', 'embeddings.bench.ts', []],
        ['where a proxied request\'s CPU goes, layer by layer (stream-layers.bench.ts)', 'stream-layers.bench.ts', []],
      ];
  for (const [name, file, nodeArgs] of perPackage) {
    if (!existsSync(join(here, file))) continue;
    const r = await runBench(file, { json: false, nodeArgs, timeoutMs: 150_000 });
    // mitata's live tables are long; keep the bench's own summary lines.
    const text = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    extras.push({ name, output: r.code === 0 ? text.split('\n').slice(-40).join('\n') : `exited with ${r.code}\n${text.slice(-2000)}` });
  }
}

// `--report-only` renders the last run as it was: its machine line and its per-package sections too.
const extrasFile = join(tmp, 'extras.json');
const machineFile = join(tmp, 'machine.json');
if (reportOnly) {
  if (existsSync(extrasFile)) extras.push(...JSON.parse(readFileSync(extrasFile, 'utf8')));
  if (existsSync(machineFile)) Object.assign(machine, JSON.parse(readFileSync(machineFile, 'utf8')));
} else {
  machine.seconds = (performance.now() - started) / 1000;
  writeFileSync(extrasFile, JSON.stringify(extras));
  writeFileSync(machineFile, JSON.stringify(machine));
}
// Analysis that outlives a run (where the time goes, what was tried) lives in NOTES.md and is appended.
const notes = existsSync(join(here, 'NOTES.md')) ? `\n${readFileSync(join(here, 'NOTES.md'), 'utf8').trim()}\n` : '';
writeFileSync(join(here, 'RESULTS.md'), renderResults(machine, library.data, failover.data, gateway.data, extras, paced.data) + notes);
if (gateway.data) {
  writeFileSync(join(here, 'latency.svg'), latencySvg(panelsOf(gateway.data), `Gateway latency per request — ${machine.date}, ${machine.cpu}, Node ${machine.node}`));
}
console.log(`\nWrote bench/RESULTS.md${gateway.data ? ' and bench/latency.svg' : ''}${reportOnly ? ' from the last run' : ` in ${Math.round(machine.seconds)} s`}.`);
const failed = [library, failover, gateway, paced].filter((r) => r.code !== 0).length;
process.exit(failed ? 1 : 0);
