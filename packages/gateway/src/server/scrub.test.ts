import { describe, expect, it } from 'vitest';
import { scrubSecrets } from './scrub.js';

describe('scrubSecrets', () => {
  it('scrubs every string at any depth, keeps the rest, and leaves the input alone', () => {
    const body = { type: 'error', error: { message: 'bad key relay-secret-1', param: 'relay-secret-1', code: null, details: [{ key: 'sk-abcdefgh12' }, 3, true] } };
    const copy = structuredClone(body);
    expect(scrubSecrets(body, ['relay-secret-1'])).toEqual({ type: 'error', error: { message: 'bad key [redacted]', param: '[redacted]', code: null, details: [{ key: '[redacted]' }, 3, true] } });
    expect(body).toEqual(copy);
  });

  it('drops what JSON would not carry and anything nested too deep', () => {
    let deep: unknown = 'relay-secret-1';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(JSON.stringify(scrubSecrets({ f: () => 1, u: undefined, deep }, ['relay-secret-1']))).not.toContain('relay-secret-1');
    expect(scrubSecrets({ f: () => 1, u: undefined }, [])).toEqual({ f: null });
  });
});
