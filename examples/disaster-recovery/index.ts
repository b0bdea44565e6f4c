/**
 * The seed's three-tier disaster recovery, built from real Lifeline packages and run against
 * local mock providers (no API key, no network):
 *
 *   fallbackResponse() → cache({ staleIfErrorMs }) → meter() → failover([relayPrimary, relayBackup, anthropicBackup])
 *     → retry() → circuitBreaker() → timeout()
 *
 * Each call prints who answered, latency, attempts, cost and cache/degraded state.
 * Run: `npm run build && node examples/disaster-recovery/index.ts` (`--check` asserts the story).
 */
import { createClient, fallbackResponse, timeout, type ChatRequest } from '@lifeline/core';
import { anthropic, openai } from '@lifeline/adapters';
import { cache } from '@lifeline/cache';
import { circuitBreaker } from '@lifeline/circuit-breaker';
import { failover } from '@lifeline/failover';
import { loadCatalog, meter } from '@lifeline/pricing';
import { retry } from '@lifeline/retry';
import { startMockProvider, type Step } from '@lifeline/testing';
import { fileURLToPath } from 'node:url';

const check = process.argv.includes('--check');

// Three local providers. `outage` decides what the two relays answer right now.
let outage: 'none' | 'primary' | 'relays' | 'all' = 'none';
const relayDown = (who: 'primary' | 'backup'): Step | undefined => {
  if (outage === 'all' || outage === 'relays') return { preset: 'unavailable' };
  if (outage === 'primary' && who === 'primary') return { preset: 'server_error' };
  return undefined; // a normal answer
};
const primaryMock = await startMockProvider({ flavor: 'openai', apiKey: 'relay-key', text: 'Disaster recovery keeps answers flowing.', script: () => relayDown('primary') });
const backupMock = await startMockProvider({ flavor: 'openai', apiKey: 'relay-key', text: 'Backup relay here: still answering.', script: () => relayDown('backup') });
const claudeMock = await startMockProvider({ flavor: 'anthropic', apiKey: 'anthropic-key', text: 'Claude tier answering.', script: () => (outage === 'all' ? { preset: 'overloaded' } : undefined) });

// Prices the relays claim (the seed's list, marked vendor-claimed), for the cost line.
const relayPrices = await loadCatalog(fileURLToPath(new URL('../catalogs/relay.yaml', import.meta.url)));

const relayPrimary = openai({ name: 'relay-primary', baseURL: primaryMock.url, apiKey: 'relay-key' });
const relayBackup = openai({ name: 'relay-backup', baseURL: backupMock.url, apiKey: 'relay-key' });
const claude = anthropic({ name: 'anthropic', baseURL: claudeMock.url, apiKey: 'anthropic-key', defaultMaxTokens: 512 });

const client = createClient({
  use: [
    fallbackResponse(),
    cache({ ttlMs: 50, staleIfErrorMs: 86_400_000 }),
    meter({ catalogs: { 'relay-primary': relayPrices, 'relay-backup': relayPrices } }),
    failover([relayPrimary, relayBackup, { adapter: claude, model: 'claude-sonnet-4-5' }]),
    retry({ initialDelayMs: 20, maxDelayMs: 100 }),
    circuitBreaker({ failureThreshold: 3, breakDurationMs: 30_000 }),
    timeout({ ms: 5_000 }),
  ],
});

const ask = (content: string): ChatRequest => ({ model: 'deepseek-v3.2', messages: [{ role: 'user', content }], max_tokens: 200 });
const lines: string[] = [];
async function call(label: string, request: ChatRequest) {
  const { response, meta } = await client.chat(request);
  const cost = meta.costUsd === undefined ? 'n/a' : `$${meta.costUsd.toFixed(6)}`;
  const state = meta.degraded ? 'DEGRADED' : meta.cache ?? '-';
  const line = `${label.padEnd(34)} provider=${String(meta.provider).padEnd(32)} attempts=${meta.attempts} latency=${String(meta.latencyMs).padStart(3)}ms cost=${cost.padEnd(10)} state=${state}`;
  lines.push(line);
  console.log(line);
  console.log(`${''.padEnd(34)} → ${response.choices[0]?.message.content}`);
}

console.log('Lifeline disaster recovery: primary relay → backup relay → Anthropic → stale cache → degraded answer\n');
await call('1. all healthy', ask('What is disaster recovery?'));
await call('2. same question again', ask('What is disaster recovery?'));
outage = 'primary';
await call('3. primary relay returns 500s', ask('Name one failover strategy.'));
outage = 'relays';
await call('4. both relays return 503', ask('Why use a circuit breaker?'));
outage = 'all';
await new Promise((r) => setTimeout(r, 60)); // let the cached answer of call 1 expire
await call('5. every provider down, seen before', ask('What is disaster recovery?'));
await call('6. every provider down, never seen', ask('Something brand new?'));

await Promise.all([relayPrimary, relayBackup, claude].map((a) => a.close?.()));
await Promise.all([primaryMock, backupMock, claudeMock].map((m) => m.close()));

if (check) {
  const expect = [/provider=relay-primary .*state=miss/, /state=hit/, /provider=relay-backup /, /provider=anthropic:claude-sonnet-4-5 /, /state=stale/, /DEGRADED/];
  const bad = expect.findIndex((re, i) => !re.test(lines[i] ?? ''));
  if (bad >= 0) {
    console.error(`\nexpected line ${bad + 1} to match ${expect[bad]}`);
    process.exit(1);
  }
  console.log('\nall six tiers behaved as expected');
}
