/**
 * Sixteen fault scenarios of a public failover benchmark, each played by `@lifeline/testing`'s mock
 * (one misbehaving OpenAI-compatible upstream) through a gateway with default options and the route
 * `[wall, { provider: wall, model: gpt-4.1-mini }]`, on a virtual clock. Every rescued scenario ends
 * with the complete answer and `[DONE]`; none passes a truncated answer off as complete.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANSWER, FALLBACK, PRIMARY, type Scenario, type ScenarioOptions, T0, startScenario, until, words } from '../test/scenario.js';
import { type SseCall, summaryOf } from '../test/sse-client.js';

const FALLBACK_TARGET = `wall:${FALLBACK}`;
let current: Scenario | undefined;
afterEach(async () => {
  const pending = current?.clock.pending();
  await current?.close();
  current = undefined;
  expect(pending).toBe(0); // no timer left behind on the virtual clock
});

async function scenario(options: ScenarioOptions = {}): Promise<Scenario> {
  current = await startScenario(options);
  return current;
}

/** The call ended with the whole answer, `[DONE]`, no in-band error; served (last) by `provider`. */
function expectComplete(call: SseCall, provider: string): void {
  expect(call.status).toBe(200);
  expect(call.error).toBeUndefined();
  expect(call.text).toBe(ANSWER);
  expect(call.done).toBe(true);
  expect(call.trailers['x-lifeline-provider']).toBe(provider);
  expect(summaryOf(call)?.provider).toBe(provider);
}

const roles = (s: Scenario, model: string) => s.requests(model).map((r) => (r.body as { messages: Array<{ role: string }> }).messages.at(-1)?.role);

describe('scenarios: failures before the first token', () => {
  it('1. 429 with Retry-After: waited exactly as long as asked, then the primary answers', async () => {
    const s = await scenario({ primary: [{ status: 429, retryAfter: 2 }] });
    const call = await s.drive(s.stream());
    expectComplete(call, 'wall');
    expect(s.requests(PRIMARY).map((r) => r.time - T0)).toEqual([0, 2_000]);
    expect(s.clock.delays).toContain(2_000);
    expect(summaryOf(call)?.route).toEqual(['wall:error:rate_limit', 'wall:ok']);
  });

  it('2. 429 persistent: Retry-After honoured on the primary, then the fallback answers', async () => {
    const s = await scenario({ primary: { status: 429, retryAfter: 1 } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(s.requests(PRIMARY).map((r) => r.time - T0)).toEqual([0, 1_000, 2_000]);
    expect(s.requests(FALLBACK)).toHaveLength(1);
  });

  it('3. 500 once: retried on the primary after a backoff', async () => {
    const s = await scenario({ primary: [{ status: 500 }] });
    const call = await s.drive(s.stream());
    expectComplete(call, 'wall');
    expect(s.requests(PRIMARY)).toHaveLength(2);
    expect(s.requests(FALLBACK)).toHaveLength(0);
  });

  it('4. 503 persistent: three attempts on the primary, then the fallback', async () => {
    const s = await scenario({ primary: { status: 503 } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(summaryOf(call)?.route).toEqual(['wall:error:server', 'wall:error:server', 'wall:error:server', `${FALLBACK_TARGET}:ok`]);
  });

  it('5. TCP reset before the headers: the fallback answers', async () => {
    const s = await scenario({ primary: { reset: true } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(summaryOf(call)?.route?.at(0)).toBe('wall:error:connection');
  });

  it('6. no response at all: after firstTokenMs (15 s) the fallback answers', async () => {
    const s = await scenario({ primary: { hang: true } });
    const call = s.stream();
    await until(() => s.requests(PRIMARY).length === 1, 'the primary request');
    await s.clock.advanceAsync(14_999);
    expect(s.requests(FALLBACK)).toHaveLength(0);
    await s.clock.advanceAsync(1);
    expectComplete(await s.drive(call), FALLBACK_TARGET);
    expect(s.clock.now() - T0).toBe(15_000);
    expect(summaryOf(call)?.route).toEqual(['wall:error:timeout', `${FALLBACK_TARGET}:ok`]);
  });

  it('7. slow first token (headers at once, no token for 30 s): the fallback after firstTokenMs', async () => {
    const s = await scenario({ primary: { stream: { firstTokenDelayMs: 30_000 } } });
    const call = s.stream();
    await until(() => s.requests(PRIMARY).length === 1, 'the primary request');
    await s.clock.advanceAsync(15_000);
    expectComplete(await s.drive(call), FALLBACK_TARGET);
    expect(s.clock.now() - T0).toBe(15_000);
  });

  it('8. a stream without [DONE]: finalised, and the client still gets [DONE]', async () => {
    const s = await scenario({ primary: { stream: { noDone: true } } });
    expectComplete(await s.drive(s.stream()), 'wall');
    expect(s.requests(FALLBACK)).toHaveLength(0);
  });

  it('9. context length exceeded: moved to the bigger target at once, no retry', async () => {
    const s = await scenario({ primary: { preset: 'context_length_exceeded' } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(s.requests(PRIMARY)).toHaveLength(1);
  });

  it('10. content-filter rejection: the provider’s refusal, not retried, no other target asked', async () => {
    const s = await scenario({ primary: { preset: 'content_policy' } });
    const call = await s.drive(s.stream());
    expect(call.status).toBe(400);
    expect(call.json.error).toMatchObject({ type: 'invalid_request_error' });
    expect(call.json.error.message).toMatch(/flagged|policy|prompt/i);
    expect(s.requests(PRIMARY)).toHaveLength(1);
    expect(s.requests(FALLBACK)).toHaveLength(0);
  });

  it('11. fail-over accounting: attempts, route, provider, model, usage and cost of what was billed', async () => {
    const s = await scenario({ primary: { status: 503 } });
    const call = await s.drive(s.stream(undefined, undefined, { stream_options: { include_usage: true } }));
    expectComplete(call, FALLBACK_TARGET);
    const summary = summaryOf(call)!;
    expect(summary).toMatchObject({ provider: FALLBACK_TARGET, model: FALLBACK, attempts: 4, cache: 'miss', degraded: false });
    expect(call.headers['x-lifeline-attempts']).toBe('4');
    expect(call.trailers['x-lifeline-attempts']).toBe('4');
    expect(call.trailers['x-lifeline-providers']).toBe(FALLBACK_TARGET);
    // The failed attempts produced nothing and cost nothing: the cost is the fallback's usage at gpt-4.1-mini prices ($0.40 / $1.60 per MTok).
    const usage = call.events.find((e) => e.usage)!.usage as { prompt_tokens: number; completion_tokens: number };
    expect(usage).toMatchObject({ completion_tokens: 60 });
    expect(summary.costUsd).toBeCloseTo((usage.prompt_tokens * 0.4 + usage.completion_tokens * 1.6) / 1e6, 12);
    expect(call.trailers['x-lifeline-cost-usd']).toBe(summary.costUsd.toFixed(8));
  });
});

describe('scenarios: streams that break after content (midStream: continue)', () => {
  it('12. stream cut after 40 of 60 tokens: the fallback continues, one seamless stream', async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 40 } } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(new Set(call.events.map((e) => e.id)).size).toBe(1);
    expect(call.events.filter((e) => e.choices[0]?.delta?.role === 'assistant')).toHaveLength(1);
    expect(call.trailers['x-lifeline-providers']).toBe(`wall, ${FALLBACK_TARGET}`);
    expect(summaryOf(call)).toMatchObject({ providers: ['wall', FALLBACK_TARGET], route: ['wall:error:stream_interrupted', `${FALLBACK_TARGET}:ok`] });
  });

  it('13. stream stalls after 20 tokens (silent, connection open): idleMs (20 s) detects it, the fallback continues', async () => {
    const s = await scenario({ primary: { stream: { stallAfter: 20 } } });
    const call = s.stream();
    await until(() => call.text === words(20), 'the first 20 words');
    await s.clock.advanceAsync(19_999);
    expect(s.requests(FALLBACK)).toHaveLength(0);
    await s.clock.advanceAsync(1);
    expectComplete(await s.drive(call), FALLBACK_TARGET);
    expect(summaryOf(call)).toMatchObject({ providers: ['wall', FALLBACK_TARGET], route: ['wall:error:timeout', `${FALLBACK_TARGET}:ok`] });
  });

  it('14. the 10th SSE event is invalid JSON: the fallback continues from the 9 words delivered', async () => {
    const s = await scenario({ primary: { stream: { malformedAfter: 9 } } });
    const call = await s.drive(s.stream());
    expectComplete(call, FALLBACK_TARGET);
    expect(summaryOf(call)?.providers).toEqual(['wall', FALLBACK_TARGET]);
    expect(call.text.startsWith(words(9))).toBe(true);
  });

  it('15a. primary dies after 40 tokens, the fallback refuses prefills: it regenerates, only what follows is sent', async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 40 } }, mock: { rejectPrefill: [FALLBACK] } });
    expectComplete(await s.drive(s.stream()), FALLBACK_TARGET);
    expect(roles(s, FALLBACK)).toEqual(['user']);
  });

  it('15b. …configured as prefill-capable, the 400 is learnt: regenerated at once, and directly on the next call', async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 40 } }, mock: { rejectPrefill: [FALLBACK] }, provider: { prefill: true } });
    expectComplete(await s.drive(s.stream()), FALLBACK_TARGET);
    expect(roles(s, FALLBACK)).toEqual(['assistant', 'user']);
    expectComplete(await s.drive(s.stream()), FALLBACK_TARGET);
    expect(roles(s, FALLBACK)).toEqual(['assistant', 'user', 'user']);
  });

  it('15c. …and its regenerated answer differs: the original failure in-band, never the 400, never a spliced answer', async () => {
    const s = await scenario({
      primary: { stream: { cutAfter: 40 } },
      fallback: { reply: { text: 'A different answer altogether.' } },
      mock: { rejectPrefill: [FALLBACK] },
      provider: { prefill: true },
    });
    const call = await s.drive(s.stream());
    expect(call.text).toBe(words(40));
    expect(call.done).toBe(false);
    expect(call.error?.code).toBe('stream_interrupted');
    expect(call.error?.message).toMatch(/^Stream from wall broke after content was delivered \(stream_interrupted: openai wall: stream cut/);
    expect(call.error?.message).toMatch(/; continue failed: wall:gpt-4\.1-mini: bad_request 400; wall:gpt-4\.1-mini: regenerated a different answer: it does not start with the \d+ characters already delivered/);
    expect(roles(s, FALLBACK)).toEqual(['assistant', 'user']);
  });

  it('usage and cost count both attempts of a continued stream', async () => {
    const s = await scenario({ primary: { stream: { cutAfter: 40 } } });
    const call = await s.drive(s.stream(undefined, undefined, { stream_options: { include_usage: true } }));
    expectComplete(call, FALLBACK_TARGET);
    // The fallback regenerated all 60 words (its reported usage); the 40 words the primary delivered
    // (about 150 characters, 30+ tokens) are billed too, from an estimate: the usage chunk and the
    // cost cover both attempts.
    const usage = call.events.find((e) => e.usage)!.usage as { completion_tokens: number; estimated?: boolean };
    expect(usage.completion_tokens).toBeGreaterThanOrEqual(60 + 30);
    expect(usage.estimated).toBe(true);
    const cost = summaryOf(call)!.costUsd as number;
    expect(cost).toBeGreaterThan((60 * 1.6 + 30 * 8) / 1e6); // gpt-4.1-mini output $1.60, gpt-4.1 output $8 per MTok
    expect(call.trailers['x-lifeline-cost-usd']).toBe(cost.toFixed(8));
  });
});

describe('scenario 16: a flapping primary', () => {
  it('503 for 60 s then healthy; 20 identical streamed requests 4 s apart: all answered, and back on the primary within one break duration of recovery', async () => {
    const s = await scenario({ mock: { schedule: [{ toMs: 60_000, model: PRIMARY, step: { status: 503 } }] } });
    const served: Array<{ at: number; provider: string; cache: string }> = [];
    for (let i = 0; i < 20; i++) {
      const at = T0 + i * 4_000;
      if (s.clock.now() < at) await s.clock.advanceAsync(at - s.clock.now());
      const call = await s.drive(s.stream('The same question every time.'));
      expect(call.text).toBe(ANSWER);
      expect(call.done).toBe(true);
      served.push({ at: at - T0, provider: call.trailers['x-lifeline-provider']!, cache: String(call.headers['x-lifeline-cache']) });
    }
    expect(served.every((r) => r.cache === 'miss')).toBe(true);
    expect(served.filter((r) => r.at < 60_000).every((r) => r.provider === FALLBACK_TARGET)).toBe(true);
    const back = served.find((r) => r.at >= 60_000 && r.provider === 'wall');
    expect(back).toBeDefined();
    expect(back!.at - 60_000).toBeLessThanOrEqual(30_000); // the default breakDurationMs
    expect(served.filter((r) => r.at >= back!.at).every((r) => r.provider === 'wall')).toBe(true);
  });
});
