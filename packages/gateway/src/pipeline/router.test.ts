import { describe, expect, it } from 'vitest';
import { createRouter, globToRegExp, routableModels } from './router.js';

describe('model routing', () => {
  it('compiles globs: * any run, ? one character, everything else literal', () => {
    expect(globToRegExp('gpt-*').test('gpt-4.1')).toBe(true);
    expect(globToRegExp('gpt-*').test('xgpt-4')).toBe(false);
    expect(globToRegExp('gpt-4.?').test('gpt-4.1')).toBe(true);
    expect(globToRegExp('gpt-4.1').test('gpt-4x1')).toBe(false);
    expect(globToRegExp('a+b(c)').test('a+b(c)')).toBe(true);
    expect(globToRegExp('*').test('')).toBe(true);
  });

  it('takes the first matching route', () => {
    const find = createRouter([{ pattern: 'claude-*', id: 1 }, { pattern: '*', id: 2 }]);
    expect(find('claude-sonnet-4.5')?.id).toBe(1);
    expect(find('gpt-4.1')?.id).toBe(2);
    expect(createRouter([{ pattern: 'gpt-*' }])('claude')).toBeUndefined();
  });

  it('lists exact patterns and declared models that some route matches', () => {
    expect(routableModels(['deepseek-v3.2', 'claude-*'], ['claude-sonnet-4.5', 'gpt-4.1', 'deepseek-v3.2'])).toEqual(['claude-sonnet-4.5', 'deepseek-v3.2']);
  });
});
