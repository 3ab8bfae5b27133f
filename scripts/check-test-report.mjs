// Reads vitest's JSON report and fails a CI run (CI set, not "false"/"0") that skipped any test:
// a skipped test in CI is a test that did not run — a missing tool, a forgotten `.skip`, a `.todo`.
// Outside CI it lists the skipped tests as a warning. Usage: node scripts/check-test-report.mjs <report.json>
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/check-test-report.mjs <vitest-json-report>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const ci = !['', 'false', '0'].includes((process.env.CI ?? '').trim().toLowerCase());

/** Every test that neither passed nor failed: skipped, pending, todo. */
const notRun = report.testResults.flatMap((suite) =>
  suite.assertionResults
    .filter((test) => test.status !== 'passed' && test.status !== 'failed')
    .map((test) => `${relative(process.cwd(), suite.name)} › ${test.fullName} (${test.status})`),
);

const summary = `vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${notRun.length} skipped or todo, ${report.numTotalTests} total`;
if (notRun.length === 0) {
  console.log(summary);
  process.exit(0);
}
const list = notRun.slice(0, 50).map((line) => `  - ${line}`);
if (notRun.length > 50) list.push(`  … and ${notRun.length - 50} more`);
if (ci) {
  console.error(
    `${summary}\nCI: ${notRun.length} test(s) did not run, which fails the run:\n${list.join('\n')}`,
  );
  process.exit(1);
}
console.warn(
  `${summary}\nwarning: ${notRun.length} test(s) did not run (in CI this fails):\n${list.join('\n')}`,
);
