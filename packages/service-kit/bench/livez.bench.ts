// npm run bench -w @craftista/service-kit: req/s of a kit-built service's /livez next to a bare Fastify
// route, each in its own process, measured in the same run. Target: kit >= 0.7 x bare.
// The tiny service is bundled with esbuild first, so it runs as built code does (no tsx loader per request).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { compare, load, printResults, repoRoot, startBareFastify, startService } from '@craftista/testkit';

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
const out = path.join(repoRoot, 'node_modules/.cache/craftista-bench');
mkdirSync(out, { recursive: true });
execFileSync(
  path.join(repoRoot, 'node_modules/.bin/esbuild'),
  [
    'packages/service-kit/test/fixtures/tiny-main.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--conditions=craftista-source',
    '--packages=external',
    `--outfile=${out}/tiny-main.mjs`,
    '--log-level=warning',
  ],
  { cwd: repoRoot, stdio: 'inherit' },
);
// The bundle reads its landing page beside itself, as the fixture does beside its source.
for (const file of ['info-page.json', 'logo.png'])
  copyFileSync(path.join(repoRoot, 'packages/service-kit/test/fixtures', file), path.join(out, file));

const bare = await startBareFastify();
const kit = await startService(path.relative(repoRoot, path.join(out, 'tiny-main.mjs')), {
  env: { LOG_LEVEL: 'warn' },
});
try {
  const warm = { durationSec: 2 };
  await load('warm-up', `${bare.url}/bare`, warm);
  await load('warm-up', `${kit.url}/livez`, warm);
  const [baseline, livez] = await compare(
    [
      { label: 'bare fastify GET /bare', url: `${bare.url}/bare` },
      { label: 'kit GET /livez', url: `${kit.url}/livez` },
    ],
    { durationSec },
  );
  printResults('service-kit overhead (100 connections, alternating rounds)', [baseline, livez], baseline);
  const ratio = livez.reqPerSec / baseline.reqPerSec;
  console.log(
    `kit/bare = ${ratio.toFixed(2)} (target >= 0.70) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}; kit RSS ${kit.memory().rssMiB} MiB`,
  );
} finally {
  await Promise.all([bare.stop(), kit.stop()]);
}
