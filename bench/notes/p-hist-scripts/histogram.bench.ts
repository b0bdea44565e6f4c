// prom-client's Histogram vs the gateway's TalliedHistogram: the three observations a request
// makes (request latency, upstream latency, time to first token), and a /metrics scrape of the
// three histograms, interleaved A B A B…, median of per-round ratios.
// Run: cd bench && npx --no-install node notes/p-hist-scripts/histogram.bench.ts
import { Histogram, Registry } from 'prom-client';
import { talliedHistogram } from '../../../packages/gateway/src/server/tallied-histogram.ts';

const LAT = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
const TTFT = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20];
const PROVIDERS = ['openai', 'anthropic'];
const MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'claude-sonnet', 'other', 'unknown'];

function prom() {
  const registry = new Registry();
  const registers = [registry];
  const latency = new Histogram({ name: 'lat', help: 'h', labelNames: ['provider', 'model', 'stream'], buckets: LAT, registers });
  const attempt = new Histogram({ name: 'att', help: 'h', labelNames: ['provider', 'model', 'outcome'], buckets: LAT, registers });
  const ttft = new Histogram({ name: 'ttft', help: 'h', labelNames: ['provider', 'model'], buckets: TTFT, registers });
  return {
    registry,
    request(p: string, m: string, s: string, v: number) {
      attempt.observe({ provider: p, model: m, outcome: 'ok' }, v);
      latency.observe({ provider: p, model: m, stream: s }, v);
      ttft.observe({ provider: p, model: m }, v / 2);
    },
  };
}
function tallied() {
  const registry = new Registry();
  const latency = talliedHistogram(registry, { name: 'lat', help: 'h', labelNames: ['provider', 'model', 'stream'], buckets: LAT });
  const attempt = talliedHistogram(registry, { name: 'att', help: 'h', labelNames: ['provider', 'model', 'outcome'], buckets: LAT });
  const ttft = talliedHistogram(registry, { name: 'ttft', help: 'h', labelNames: ['provider', 'model'], buckets: TTFT });
  return {
    registry,
    request(p: string, m: string, s: string, v: number) {
      attempt.observe([p, m, 'ok'], v);
      latency.observe([p, m, s], v);
      ttft.observe([p, m], v / 2);
    },
  };
}

type Subject = ReturnType<typeof prom>;
const N = 200_000;
function observeNs(s: Subject): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) s.request(PROVIDERS[i & 1]!, MODELS[i % 5]!, i % 3 === 0 ? 'true' : 'false', (i % 1000) / 37);
  return Number(process.hrtime.bigint() - t) / N;
}
async function scrapeUs(s: Subject): Promise<number> {
  const t = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) await s.registry.metrics();
  return Number(process.hrtime.bigint() - t) / 200 / 1000;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const subjects = { prom: prom(), tallied: tallied() };
if ((await subjects.prom.registry.metrics()) !== (await subjects.tallied.registry.metrics())) throw new Error('expositions differ');
const rows: Record<string, { obs: number[]; scrape: number[] }> = { prom: { obs: [], scrape: [] }, tallied: { obs: [], scrape: [] } };
for (let round = 0; round < 9; round++) {
  for (const name of (round % 2 ? ['tallied', 'prom'] : ['prom', 'tallied']) as Array<keyof typeof subjects>) {
    rows[name]!.obs.push(observeNs(subjects[name]));
    rows[name]!.scrape.push(await scrapeUs(subjects[name]));
  }
}
if ((await subjects.prom.registry.metrics()) !== (await subjects.tallied.registry.metrics())) throw new Error('expositions differ');
const ratio = (k: 'obs' | 'scrape') => median(rows.tallied![k].map((v, i) => v / rows.prom![k][i]!));
console.log(`3 observations per request: prom-client ${median(rows.prom!.obs).toFixed(0)} ns, tallied ${median(rows.tallied!.obs).toFixed(0)} ns, ratio ${ratio('obs').toFixed(3)}`);
console.log(`scrape (3 histograms, 30 label sets): prom-client ${median(rows.prom!.scrape).toFixed(1)} µs, tallied ${median(rows.tallied!.scrape).toFixed(1)} µs, ratio ${ratio('scrape').toFixed(3)}`);
