// Sums the vitest JSON reports (packages/*/test-results.json) into one line: "N passed, N failed, N skipped".
// Under CI (`CI` set) every suite must run: a suite that needs a service fails rather than skips
// (LIFELINE_REQUIRE_REDIS=1, …), and any skipped test left makes the run fail.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const skippedIn = [];
for (const dir of readdirSync('packages')) {
  const pkg = JSON.parse(readFileSync(join('packages', dir, 'package.json'), 'utf8'));
  const file = join('packages', dir, 'test-results.json');
  if (!existsSync(file)) {
    if (!String(pkg.scripts?.test ?? '').includes('passWithNoTests')) missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const p = report.numPassedTests ?? 0;
  const f = (report.numFailedTests ?? 0) + (report.numFailedTestSuites && !report.numFailedTests ? report.numFailedTestSuites : 0);
  const s = Math.max(0, (report.numTotalTests ?? 0) - p - (report.numFailedTests ?? 0));
  passed += p;
  failed += f;
  skipped += s;
  if (s > 0) skippedIn.push(`${dir} (${s})`);
}
if (missing.length) {
  console.error(`no test report from: ${missing.join(', ')} (their tests did not run)`);
  failed += missing.length;
}
const skipFails = skipped > 0 && !!process.env.CI;
if (skipFails) console.error(`skipped in CI, where every suite must run: ${skippedIn.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipFails ? 1 : 0);
