// Mutation testing settings shared by every package: `npm run mutate -w @lifeline/<pkg>`.
// Stryker runs from the repository root (the package's vitest config reads ../../vitest.shared.ts)
// and copies only that package and the shared files into its sandbox. Incremental: results are
// kept in the package's stryker-incremental.json (committed), so a rerun only tests mutants in
// code or tests that changed since.

/** gitignore-style patterns that bring `path` back under the `/*` exclusion, parent by parent. */
function reinclude(path) {
  const parts = path.split('/');
  return parts.flatMap((_, i) => {
    const at = parts.slice(0, i + 1).join('/');
    return i < parts.length - 1 ? [`!/${at}`, `/${at}/*`] : [`!/${at}`];
  });
}

/**
 * @param {string} pkg the package's folder name under packages/
 * @param {import('@stryker-mutator/api/core').PartialStrykerOptions} overrides
 * @param {{ alsoCopy?: string[] }} files other repository paths the tests read (copied into the sandbox)
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig(pkg, overrides = {}, { alsoCopy = [] } = {}) {
  const dir = `packages/${pkg}`;
  return {
    testRunner: 'vitest',
    vitest: { configFile: `${dir}/vitest.config.ts`, dir },
    plugins: ['@stryker-mutator/vitest-runner'],
    coverageAnalysis: 'perTest',
    mutate: [`${dir}/src/**/*.ts`, `!${dir}/src/**/*.test.ts`, `!${dir}/src/index.ts`],
    ignorePatterns: ['/*', `!/${dir}`, '!/vitest.shared.ts', '!/test-support', '!/tsconfig.base.json', '!/package.json', `/${dir}/reports`, `/${dir}/dist`, ...alsoCopy.flatMap(reinclude)],
    incremental: true,
    incrementalFile: `${dir}/stryker-incremental.json`,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: `${dir}/reports/mutation/mutation.json` },
    concurrency: 2,
    timeoutMS: 10_000,
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    thresholds: { high: 90, low: 85, break: null },
    ...overrides,
  };
}
