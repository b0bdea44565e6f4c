import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, the outermost included', () => {
    expect(nestsDeeperThan(arrays(3), 3)).toBe(false);
    expect(nestsDeeperThan(arrays(4), 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":{"c":1}}}', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":[1],"b":[2],"c":{"d":[3]}}', 3)).toBe(false);
    expect(nestsDeeperThan(arrays(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(arrays(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(JSON.stringify({ s: '[[[[[[[[[[{{{{{{{{' }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: 'a\\"[[[[[[[[[[' }), 2)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ s: 'a\\', t: [[[[]]]] }), 3)).toBe(true);
  });

  it('handles unclosed text and a 10 000-deep body without recursion', () => {
    expect(nestsDeeperThan('['.repeat(10_000))).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'x'.repeat(300)}`, 2)).toBe(false);
    expect(nestsDeeperThan(arrays(10_000))).toBe(true);
  });
});
