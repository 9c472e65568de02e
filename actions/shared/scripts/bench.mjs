// Cold start of a bundled action: time from spawning `node dist/index.js` to its first byte of output,
// median of N runs, next to a bare `node -e` baseline. A figure to watch, not a target: no workflow notices a few
// hundred milliseconds, and @actions/core and @actions/github are worth them. Usage: node bench.mjs <action-dir>... [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

function firstOutputMs(args, env) {
  return new Promise((done, fail) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let t;
    const mark = () => {
      t ??= Number(process.hrtime.bigint() - start) / 1e6;
    };
    child.stdout.once('data', mark);
    child.stderr.once('data', mark);
    child.on('error', fail);
    child.on('close', () =>
      t === undefined ? fail(new Error(`${args.join(' ')} printed nothing`)) : done(t),
    );
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 9;
const dirs = runsAt >= 0 ? argv.filter((_, i) => i !== runsAt && i !== runsAt + 1) : [...argv];
if (dirs.length === 0) dirs.push('.');

// A runner-like environment in which the action starts and fails fast on a missing input,
// so the run measures loading the bundle, not the work.
const work = mkdtempSync(join(tmpdir(), 'bench-'));
const outputFile = join(work, 'output');
writeFileSync(outputFile, '');
const env = { PATH: process.env.PATH, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: work };

const baseline = [];
for (let i = 0; i < runs; i++) baseline.push(await firstOutputMs(['-e', 'console.log(1)'], env));
console.log(`node -e baseline: ${median(baseline).toFixed(0)} ms (median of ${runs})`);

for (const dir of dirs) {
  const bundle = join(resolve(dir), 'dist', 'index.js');
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await firstOutputMs([bundle], env));
  const m = median(times);
  console.log(
    `${basename(resolve(dir))}: first output after ${m.toFixed(0)} ms (median of ${runs}, min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
  );
}
rmSync(work, { recursive: true, force: true });
