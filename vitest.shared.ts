import type { ViteUserConfig } from 'vitest/config';

/**
 * Test settings shared by every package. Each run also writes a JSON report
 * (`test-results.json`) that `.ci/run` totals into one `N passed, N failed` line.
 */
export const shared: ViteUserConfig = {
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // expect.poll() waits for something to happen, it never times it: its budget (1 s by default)
    // must not be what a loaded CI runner decides.
    expect: { poll: { timeout: 10_000 } },
    passWithNoTests: false,
  },
};
