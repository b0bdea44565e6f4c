/**
 * A Vercel AI SDK chat (`streamText`) that keeps answering when its provider fails, against local
 * mock providers (no API key, no network):
 *
 *   streamText({ model: lifeline('deepseek-v3.2') })
 *     → createLifeline(client): meter() → failover([relay, claude], { midStream: 'continue' }) → retry()
 *        relay  = Lifeline's openai() adapter → an OpenAI-compatible relay
 *        claude = aiSdkAdapter(@ai-sdk/anthropic)  → Anthropic, through the AI SDK's own provider
 *
 * Each turn prints the streamed answer, who answered, attempts, failovers and cost, from
 * `providerMetadata.lifeline`. Run: `npm run build && node examples/ai-sdk/index.ts`
 * (`--check` asserts the story).
 */
import { createAnthropic } from '@ai-sdk/anthropic';
import { openai } from '@lifeline/adapters';
import { aiSdkAdapter, createLifeline } from '@lifeline/ai-sdk';
import { createClient } from '@lifeline/core';
import { failover } from '@lifeline/failover';
import { loadCatalog, meter } from '@lifeline/pricing';
import { retry } from '@lifeline/retry';
import { startMockProvider, type RecordedRequest, type Step } from '@lifeline/testing';
import { isStepCount, streamText, tool, type ModelMessage } from 'ai';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const check = process.argv.includes('--check');
globalThis.AI_SDK_LOG_WARNINGS = false;

// What the relay does right now, and what each mock answers.
let relayFault: Step | undefined;
const relayMock = await startMockProvider({
  apiKey: 'relay-key',
  text: 'Failover keeps your chat answering while a provider is down.',
  script: (req) => (hasToolResult(req) ? { reply: { text: 'It is 21 °C and sunny in Lisbon.' } } : isWeatherQuestion(req) ? { reply: { toolCalls: [{ name: 'weather', arguments: { city: 'Lisbon' } }] } } : relayFault),
});
const claudeMock = await startMockProvider({
  flavor: 'anthropic',
  apiKey: 'anthropic-key',
  text: 'Claude here: the backup answered this one.',
  // Continues a partial answer sent as a prefill (midStream: 'continue'), as Claude would.
  script: (req) => (lastRole(req) === 'assistant' ? { reply: { text: 'Failover keeps your chat answering while a provider is down.' } } : undefined),
});

const relay = openai({ name: 'relay', baseURL: relayMock.url, apiKey: 'relay-key' });
const claude = aiSdkAdapter(createAnthropic({ baseURL: `${claudeMock.url}/v1`, apiKey: 'anthropic-key' })('claude-sonnet-4-5'), { name: 'claude' });
const relayPrices = await loadCatalog(fileURLToPath(new URL('../catalogs/relay.yaml', import.meta.url)));

const client = createClient({
  use: [
    meter({ catalogs: { relay: relayPrices } }),
    failover([relay, { adapter: claude, model: 'claude-sonnet-4-5' }], { midStream: 'continue' }),
    retry({ maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50 }),
  ],
});
const lifeline = createLifeline(client);

const messages: ModelMessage[] = [];
const lines: string[] = [];
const answers: string[] = [];

async function turn(label: string, question: string): Promise<void> {
  messages.push({ role: 'user', content: question });
  const result = streamText({
    model: lifeline('deepseek-v3.2'),
    system: 'You are a concise assistant.',
    messages,
    tools: { weather: tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 21, sky: 'sunny' }) }) },
    stopWhen: isStepCount(3),
  });
  process.stdout.write(`${label}\n  you    > ${question}\n  model  > `);
  let answer = '';
  for await (const delta of result.textStream) {
    answer += delta;
    process.stdout.write(delta);
  }
  answers.push(answer);
  messages.push(...(await result.response).messages);
  const steps = await result.steps;
  const m = (await result.providerMetadata)?.lifeline as { provider: string; attempts: number; failovers: number; costUsd: number | null } | undefined;
  const attempts = steps.reduce((n, s) => n + Number((s.providerMetadata?.lifeline as { attempts?: number } | undefined)?.attempts ?? 0), 0);
  const cost = steps.reduce((n, s) => n + Number((s.providerMetadata?.lifeline as { costUsd?: number } | undefined)?.costUsd ?? 0), 0);
  const line = `${label.padEnd(36)} provider=${String(m?.provider).padEnd(26)} steps=${steps.length} attempts=${attempts} failovers=${m?.failovers} cost=$${cost.toFixed(6)}`;
  lines.push(line);
  console.log(`\n  ${line}\n`);
}

console.log('Lifeline × Vercel AI SDK: a streamText chat over a relay, with the AI SDK Anthropic provider as backup\n');
await turn('1. relay healthy', 'What does failover do for my chat?');
relayFault = { status: 503 };
await turn('2. relay returns 503s', 'And if the relay is down?');
relayFault = { stream: { cutAfter: 3 } };
await turn('3. relay stream cut mid-answer', 'What if it breaks mid-answer?');
relayFault = undefined;
await turn('4. a tool call, relay healthy', 'What is the weather in Lisbon?');

await Promise.all([relay.close?.(), relayMock.close(), claudeMock.close()]);

if (check) {
  const expect = [
    /provider=relay .*steps=1 attempts=1 failovers=0/,
    /provider=claude:claude-sonnet-4-5 .*steps=1 attempts=3 failovers=1/,
    /provider=claude:claude-sonnet-4-5 .*steps=1 attempts=2 failovers=1/,
    /provider=relay .*steps=2 attempts=2 failovers=0/,
  ];
  const bad = expect.findIndex((re, i) => !re.test(lines[i] ?? ''));
  const continued = answers[2] === 'Failover keeps your chat answering while a provider is down.';
  if (bad >= 0 || !continued) {
    console.error(bad >= 0 ? `\nexpected line ${bad + 1} to match ${expect[bad]}` : '\nexpected turn 3 to be continued seamlessly by the backup');
    process.exit(1);
  }
  console.log('all four turns behaved as expected');
}

function lastRole(req: RecordedRequest): string | undefined {
  const body = req.body as { messages?: Array<{ role: string }> };
  return body.messages?.at(-1)?.role;
}
function hasToolResult(req: RecordedRequest): boolean {
  return lastRole(req) === 'tool';
}
function isWeatherQuestion(req: RecordedRequest): boolean {
  const body = req.body as { messages?: Array<{ role: string; content: unknown }> };
  return JSON.stringify(body.messages?.at(-1)?.content ?? '').includes('weather');
}
