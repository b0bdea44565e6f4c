/**
 * What the gateway's input hardening adds per request, against the work it sits next to, in the
 * same run: the JSON nesting check before `JSON.parse` (a typical 2 KB chat body and a 900 KB one),
 * and percent-encoding of the `x-lifeline-*` header values. Run: `npm run build && node bench/gateway-input.bench.ts`.
 */
import { nestsDeeperThan, safeHeaders } from '@lifeline/gateway';
import { measure } from 'mitata';

const tool = { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'object', properties: { terms: { type: 'array', items: { type: 'string' } } } } } } } };
const small = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'system', content: 'You are terse. '.repeat(40) }, { role: 'user', content: 'What is the "capital" of [France]? '.repeat(20) }], tools: [tool] });
const large = JSON.stringify({ model: 'gpt-4.1', messages: Array.from({ length: 200 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `message ${i} `.repeat(400) + ' "quoted" \\ [x]' })), tools: [tool] });
const ascii = { 'x-lifeline-provider': 'primary', 'x-lifeline-attempts': '1', 'x-lifeline-cache': 'miss', 'x-lifeline-degraded': 'false', 'x-lifeline-model': 'gpt-4.1-2025-04-14', 'x-lifeline-cost-usd': '0.00021300', 'x-lifeline-latency-ms': '812' };
const unicode = { ...ascii, 'x-lifeline-model': '通义千问-max', 'x-lifeline-provider': 'backup:通义千问-max' };

const groups: Array<{ title: string; cases: Array<[string, () => unknown]> }> = [
  { title: `2 KB body (${small.length} B)`, cases: [['baseline: JSON.parse', () => JSON.parse(small)], ['nestsDeeperThan (depth check)', () => nestsDeeperThan(small)]] },
  { title: `900 KB body (${large.length} B)`, cases: [['baseline: JSON.parse', () => JSON.parse(large)], ['nestsDeeperThan (depth check)', () => nestsDeeperThan(large)]] },
  { title: 'x-lifeline-* headers (7 values)', cases: [['baseline: copy the object', () => ({ ...ascii })], ['safeHeaders, ASCII names', () => safeHeaders(ascii)], ['safeHeaders, non-Latin-1 names', () => safeHeaders(unicode)]] },
];

console.log(`\nLifeline gateway input hardening — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${process.arch}`);
console.log('| case | per call | vs baseline |');
console.log('|---|---:|---:|');
for (const group of groups) {
  let base = 0;
  for (const [name, fn] of group.cases) {
    const { avg } = await measure(fn, { min_cpu_time: 300 * 1e6 });
    if (base === 0) base = avg;
    console.log(`| ${group.title}: ${name} | ${(avg / 1000).toFixed(3)} µs | ${(avg / base).toFixed(2)}× |`);
  }
}
