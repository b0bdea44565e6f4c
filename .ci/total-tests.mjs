// Sums the vitest JSON reports (packages/*/test-results.json) into one line: "N passed, N failed".
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
const missing = [];
for (const dir of readdirSync('packages')) {
  const pkg = JSON.parse(readFileSync(join('packages', dir, 'package.json'), 'utf8'));
  const file = join('packages', dir, 'test-results.json');
  if (!existsSync(file)) {
    if (!String(pkg.scripts?.test ?? '').includes('passWithNoTests')) missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites && !report.numFailedTests ? report.numFailedTestSuites : 0);
}
if (missing.length) {
  console.error(`no test report from: ${missing.join(', ')} (their tests did not run)`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
