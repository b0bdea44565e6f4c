/**
 * `npm run chaos`: the long chaos soak (10 000 requests) and a longer fuzz run. Prints the seed
 * (replay with `LIFELINE_CHAOS_SEED=<seed>`); exits 1 when an invariant broke.
 *
 * Options: `--requests N` (default 10000), `--fuzz-runs N` (default 1000), `--concurrency N` (default 32).
 * @module
 */
import { runFuzz } from './fuzz.ts';
import { formatReport, invariantsBroken } from './report.ts';
import { chaosSeed } from './seed.ts';
import { runChaos } from './soak.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = chaosSeed(Math.floor(Math.random() * 2 ** 31));
console.log(`chaos: seed ${seed} (replay with LIFELINE_CHAOS_SEED=${seed} npm run chaos)`);
const report = await runChaos({ requests: arg('requests', 10_000), concurrency: arg('concurrency', 32), seed, log: (l) => console.log(l) });
console.log(formatReport(report));
const broken = invariantsBroken(report);
let fuzzFailure: unknown;
try {
  const fuzz = await runFuzz({ runs: arg('fuzz-runs', 1_000), seed });
  console.log(`fuzz: ${fuzz.runs} inputs, statuses ${JSON.stringify(fuzz.statuses)}, no 5xx, every 4xx OpenAI-shaped; gateway exited by itself: ${fuzz.exit.exitedOnItsOwn}`);
  if (!fuzz.exit.exitedOnItsOwn || fuzz.exit.problems.length) broken.push(`fuzz gateway: ${JSON.stringify(fuzz.exit)}`);
} catch (err) {
  fuzzFailure = err;
  broken.push(`fuzz: ${(err as Error).message}`);
}
if (broken.length) {
  console.error(`\nchaos: FAILED (seed ${seed})\n${broken.join('\n')}`);
  if (fuzzFailure) console.error(fuzzFailure);
  process.exit(1);
}
console.log('\nchaos: every invariant held');
