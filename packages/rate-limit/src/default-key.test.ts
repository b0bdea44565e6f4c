import { Context } from '@lifeline/core';
import { describe, expect, it } from 'vitest';
import { defaultRateLimitKey } from './rate-limit.js';

describe('defaultRateLimitKey', () => {
  const ctx = (tenant: unknown, target?: string) => {
    const c = new Context({ request: { model: 'm', messages: [] }, metadata: tenant === undefined ? {} : { tenant } } as never);
    if (target) c.target = { name: target } as never;
    return c;
  };

  it('is the target name, plus a tenant when one is set', () => {
    expect(defaultRateLimitKey(ctx(undefined, 'primary'))).toBe('primary');
    expect(defaultRateLimitKey(ctx('acme', 'primary'))).toBe('primary|tenant=acme');
    expect(defaultRateLimitKey(ctx(0, 'primary'))).toBe('primary|tenant=0');
  });

  it('an empty or null tenant is no tenant; no target is "default"', () => {
    expect(defaultRateLimitKey(ctx('', 'primary'))).toBe('primary');
    expect(defaultRateLimitKey(ctx(null, 'primary'))).toBe('primary');
    expect(defaultRateLimitKey(ctx('acme'))).toBe('default|tenant=acme');
  });
});
