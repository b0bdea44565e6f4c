import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from './fake-clock.js';
import { startMockProvider } from './server.js';
import { chat } from './test-utils.js';
import type { MockProvider } from './types.js';

let mock: MockProvider;
afterEach(() => mock?.close());

async function statuses(n: number, model?: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await chat(mock, model ? { model } : {});
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

describe('scripts', () => {
  it('an array gives the n-th request its step, then normal replies', async () => {
    mock = await startMockProvider({ script: [{ status: 500 }, { preset: 'rate_limit' }, 'ok', { status: 503 }] });
    expect(await statuses(6)).toEqual([500, 429, 200, 503, 200, 200]);
  });

  it('a single step applies to every request', async () => {
    mock = await startMockProvider({ script: { status: 503 } });
    expect(await statuses(3)).toEqual([503, 503, 503]);
  });

  it('a function gets the recorded request and its index', async () => {
    const seen: number[] = [];
    mock = await startMockProvider({
      script: (req, n) => {
        seen.push(n);
        return (req.body as { messages: { content: string }[] }).messages[0]!.content === 'fail' ? { status: 500 } : undefined;
      },
    });
    const ok = await chat(mock);
    const bad = await chat(mock, { body: { model: 'm', messages: [{ role: 'user', content: 'fail' }] } });
    expect([ok.status, bad.status]).toEqual([200, 500]);
    expect(seen).toEqual([0, 1]);
  });

  it('routes: one server plays a healthy primary, a flapping model and a dead one', async () => {
    mock = await startMockProvider({
      routes: {
        flappy: [{ status: 503 }, 'ok', { status: 503 }],
        dead: { preset: 'overloaded' },
      },
      script: [{ status: 500 }],
    });
    expect(await statuses(4, 'flappy')).toEqual([503, 200, 503, 200]);
    expect(await statuses(2, 'dead')).toEqual([503, 503]);
    // The global script counts only requests without a route.
    expect(await statuses(2, 'primary')).toEqual([500, 200]);
  });

  it('reset() clears requests and restarts counters; setScript() replaces the script', async () => {
    mock = await startMockProvider({ script: [{ status: 500 }], routes: { r: [{ status: 503 }] } });
    expect(await statuses(2)).toEqual([500, 200]);
    expect(await statuses(1, 'r')).toEqual([503]);
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    expect(await statuses(1)).toEqual([500]);
    expect(await statuses(1, 'r')).toEqual([503]);
    expect(mock.requests.map((r) => r.index)).toEqual([0, 1]);
    mock.setScript([{ status: 400 }]);
    expect(await statuses(2)).toEqual([400, 200]);
    mock.setRoutes(undefined);
    expect(await statuses(1, 'r')).toEqual([200]);
  });
});

describe('time windows on an injected clock', () => {
  it('window step: 503 for the first 60 s, then healthy', async () => {
    const clock = fakeClock(1_000_000);
    mock = await startMockProvider({ clock, script: { window: { untilMs: 60_000, step: { status: 503 } } } });
    expect(await statuses(2)).toEqual([503, 503]);
    clock.advance(59_999);
    expect(await statuses(1)).toEqual([503]);
    clock.advance(1);
    expect(await statuses(2)).toEqual([200, 200]);
  });

  it('window with fromMs and otherwise', async () => {
    const clock = fakeClock();
    mock = await startMockProvider({
      clock,
      routes: { m: { window: { fromMs: 10_000, untilMs: 20_000, step: { status: 500 }, otherwise: { status: 429 } } } },
    });
    expect(await statuses(1, 'm')).toEqual([429]);
    clock.set(15_000);
    expect(await statuses(1, 'm')).toEqual([500]);
    clock.set(20_000);
    expect(await statuses(1, 'm')).toEqual([429]);
  });

  it('schedule overrides routes and script while active, per model if asked', async () => {
    const clock = fakeClock();
    mock = await startMockProvider({
      clock,
      script: 'ok',
      schedule: [
        { toMs: 30_000, model: 'a', step: { status: 503 } },
        { fromMs: 30_000, toMs: 60_000, step: { preset: 'rate_limit' } },
      ],
    });
    expect([...(await statuses(1, 'a')), ...(await statuses(1, 'b'))]).toEqual([503, 200]);
    clock.advance(30_000);
    expect([...(await statuses(1, 'a')), ...(await statuses(1, 'b'))]).toEqual([429, 429]);
    clock.advance(30_000);
    expect([...(await statuses(1, 'a')), ...(await statuses(1, 'b'))]).toEqual([200, 200]);
  });

  it('reset() restarts the time origin', async () => {
    const clock = fakeClock();
    mock = await startMockProvider({ clock, schedule: [{ toMs: 1000, step: { status: 503 } }] });
    clock.advance(5000);
    expect(await statuses(1)).toEqual([200]);
    mock.reset();
    expect(await statuses(1)).toEqual([503]);
  });
});

describe('recorded requests', () => {
  it('records every attempt in order with clock time, redacted auth, parsed body, model and stream flag', async () => {
    const clock = fakeClock(42);
    mock = await startMockProvider({ clock, script: [{ status: 500 }] });
    await chat(mock);
    clock.advance(8);
    await (await chat(mock, { stream: true, model: 'gpt-x' })).text();
    await chat(mock, { headers: { authorization: 'Bearer wrong' } });
    expect(mock.requests).toHaveLength(3);
    const [a, b, c] = mock.requests;
    expect(a).toMatchObject({ index: 0, time: 42, method: 'POST', path: '/v1/chat/completions', model: 'gpt-test', stream: false });
    expect(a!.body).toEqual({ model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(a!.headers.authorization).toBe('[redacted]');
    expect(a!.headers['content-type']).toBe('application/json');
    expect(b).toMatchObject({ index: 1, time: 50, model: 'gpt-x', stream: true });
    expect(c!.headers.authorization).toBe('[redacted]');
    expect(JSON.stringify(mock.requests)).not.toContain('test-key');
    expect(JSON.stringify(mock.requests)).not.toContain('wrong');
  });

  it('anthropic x-api-key is redacted too', async () => {
    mock = await startMockProvider({ flavor: 'anthropic' });
    await chat(mock);
    expect(mock.requests[0]!.headers['x-api-key']).toBe('[redacted]');
    expect(mock.requests[0]!.headers['anthropic-version']).toBe('2023-06-01');
  });

  it('maxRecorded bounds the record, dropping the oldest', async () => {
    mock = await startMockProvider({ maxRecorded: 2 });
    await statuses(3);
    expect(mock.requests.map((r) => r.index)).toEqual([1, 2]);
  });

  it('requests that fail auth are recorded but do not consume script steps', async () => {
    mock = await startMockProvider({ script: [{ status: 503 }] });
    expect((await chat(mock, { headers: {} })).status).toBe(401);
    expect(await statuses(1)).toEqual([503]);
    expect(mock.requests).toHaveLength(2);
  });
});
