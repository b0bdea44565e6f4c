import { ConfigurationError, ServerError } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { fake, request } from '../test/fake-adapter.js';
import { requestFor, resolveTargets } from './target.js';

const signal = new AbortController().signal;
const call = { signal, metadata: {} };

describe('resolveTargets()', () => {
  it('names a target after its adapter, or <adapter name>:<model> when it swaps the model and has no name', () => {
    const relay = fake({ name: 'relay' });
    const claude = fake({ name: 'anthropic', prefill: true });
    const targets = resolveTargets([relay, { adapter: claude, model: 'claude-sonnet-4.5', weight: 3, maxContextTokens: 200_000 }, { adapter: claude, model: 'claude-opus-4.1', name: 'opus' }]);
    expect(targets.map((t) => [t.name, t.index, t.model, t.weight, t.maxContextTokens, t.prefill])).toEqual([
      ['relay', 0, undefined, 1, undefined, false],
      ['anthropic:claude-sonnet-4.5', 1, 'claude-sonnet-4.5', 3, 200_000, true],
      ['opus', 2, 'claude-opus-4.1', 1, undefined, true],
    ]);
    expect(targets[0]?.target).toBe(relay);
    expect(targets[1]?.target).toMatchObject({ name: 'anthropic:claude-sonnet-4.5', kind: 'fake', capabilities: { prefill: true } });
  });

  it("a target's own prefill overrides its adapter's capability, either way", () => {
    const relay = fake({ name: 'relay' });
    const claude = fake({ name: 'anthropic', prefill: true });
    const targets = resolveTargets([{ adapter: relay, prefill: true }, { adapter: claude, model: 'claude-sonnet-4-6', prefill: false }, claude]);
    expect(targets.map((t) => [t.name, t.prefill])).toEqual([['relay', true], ['anthropic:claude-sonnet-4-6', false], ['anthropic', true]]);
  });

  it('a renamed target keeps its adapter\'s baseURL (for telemetry), and has none when the adapter has none', () => {
    const claude = { ...fake({ name: 'anthropic' }), baseURL: 'https://api.anthropic.com' };
    const [withUrl] = resolveTargets([{ adapter: claude, model: 'claude-sonnet-4.5' }]);
    const [without] = resolveTargets([{ adapter: fake({ name: 'relay' }), model: 'gpt-4.1' }]);
    expect(withUrl?.target.baseURL).toBe('https://api.anthropic.com');
    expect(without?.target).not.toHaveProperty('baseURL');
  });

  it('a renamed target puts its name in the errors of its adapter: on chat, on stream open and mid-stream', async () => {
    const fail = (n: number) => (n === 0 ? { error: new ServerError('down', { status: 503, provider: 'anthropic' }) } : n === 1 ? { error: new ServerError('down', { status: 503 }) } : { afterChunks: 1, error: new ServerError('in-band', { provider: 'anthropic' }) });
    const [t] = resolveTargets([{ adapter: fake({ name: 'anthropic', script: (_, _c, n) => fail(n) }), model: 'claude' }]);
    const chat = await t!.target.chat(request(), call).catch((e: ServerError) => e);
    expect((chat as ServerError).provider).toBe('anthropic:claude');
    const open = await t!.target.stream(request(), call).catch((e: ServerError) => e);
    expect((open as ServerError).provider).toBe('anthropic:claude');
    const stream = await t!.target.stream(request(), call);
    const mid = await (async () => { for await (const _ of stream); })().catch((e: ServerError) => e);
    expect(mid).toBeInstanceOf(ServerError);
    expect((mid as ServerError).provider).toBe('anthropic:claude');
  });

  it('leaves an error that names another provider alone', async () => {
    const err = new ServerError('from a nested relay', { provider: 'upstream-x' });
    const [t] = resolveTargets([{ adapter: fake({ name: 'relay', script: { error: err } }), model: 'm2' }]);
    await expect(t!.target.chat(request(), call)).rejects.toBe(err);
    expect(err.provider).toBe('upstream-x');
  });

  it.each([
    [[], 'failover: targets must be a non-empty array of adapters or { adapter, model?, weight?, maxContextTokens?, name? }, got an empty array'],
    ['primary', "failover: targets must be a non-empty array of adapters or { adapter, model?, weight?, maxContextTokens?, name? }, got 'primary'"],
    [[{ model: 'x' }], 'failover: targets[0] must be an adapter or { adapter, … } with an adapter (name, chat, stream), got an object'],
    [[{ adapter: fake(), model: '' }], "failover: targets[0].model must be a non-empty string, got ''"],
    [[{ adapter: fake(), name: 42 }], 'failover: targets[0].name must be a non-empty string, got 42'],
    [[{ adapter: fake(), weight: -1 }], 'failover: targets[0].weight must be a non-negative number, got -1'],
    [[{ adapter: fake(), maxContextTokens: 1.5 }], 'failover: targets[0].maxContextTokens must be a positive integer, got 1.5'],
    [[{ adapter: fake(), prefill: 'yes' }], "failover: targets[0].prefill must be a boolean, got 'yes'"],
    [[fake({ name: 'a' }), { adapter: fake({ name: 'b' }), name: 'a' }], "failover: targets[1] is named 'a' like targets[0]; give one of them a distinct name"],
  ])('rejects %o', (targets, message) => {
    expect(() => resolveTargets(targets as never)).toThrow(new ConfigurationError(message));
  });
});

describe('requestFor()', () => {
  it('copies the request with the target’s model, and returns it untouched without a swap', () => {
    const req = request('gpt-4.1');
    const [plain, swapped] = resolveTargets([fake({ name: 'a' }), { adapter: fake({ name: 'b' }), model: 'claude' }]);
    expect(requestFor(plain!, req)).toBe(req);
    const copy = requestFor(swapped!, req);
    expect(copy).toEqual({ ...req, model: 'claude' });
    expect(req.model).toBe('gpt-4.1');
  });
});
