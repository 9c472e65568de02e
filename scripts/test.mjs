#!/usr/bin/env node
// `npm test`: provisions what the tests run for real (scripts/provision.sh: Debian servers, pinned Go tools), then
// type-checks and tests every workspace through turbo, and prints the slowest test files and one total over all of
// them (each vitest run writes a JSON report to test-artifacts/results/).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const resultsDir = path.join(root, 'test-artifacts', 'results');
rmSync(resultsDir, { recursive: true, force: true });

const started = Date.now();
if (process.env.CRAFTISTA_PROVISION !== '0') {
  const provision = spawnSync('bash', [path.join(root, 'scripts', 'provision.sh')], { stdio: 'inherit' });
  if (provision.status !== 0) {
    console.log('\n0 passed, 1 failed (provisioning failed; see the line above)');
    process.exit(1);
  }
}
const turbo = spawnSync(
  'npx',
  ['turbo', 'run', 'test', '--concurrency=2', '--continue', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const fileTimes = [];
let files = [];
try {
  files = readdirSync(resultsDir).filter((f) => f.endsWith('.json'));
} catch {
  // no workspace produced results
}
for (const file of files) {
  const report = JSON.parse(readFileSync(path.join(resultsDir, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const result of report.testResults ?? []) {
    fileTimes.push([result.endTime - result.startTime, path.relative(root, result.name)]);
  }
  rows.push(
    `  ${file.replace(/\.json$/, '').padEnd(24)} ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
  );
}
const slowest = fileTimes
  .sort((a, b) => b[0] - a[0])
  .slice(0, 10)
  .map(([ms, name]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
console.log(`\nSlowest test files:\n${slowest.join('\n')}`);
console.log(
  `\nTest results by workspace (${((Date.now() - started) / 1000).toFixed(0)} s):\n${rows.join('\n')}`,
);
const code = turbo.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a failed typecheck or a crashed runner counts
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code === 0 && passed === 0 ? 1 : code);
