// npm run bench -w @craftista/frontend: GET / (the whole page, all three backends up) and GET /api/products,
// each service a real process, next to a bare Fastify route measured the same way in the same run.
// Every service runs as it ships (node dist/main.js, built first, with the images' NODE_OPTIONS).
// Targets: GET / >= 0.15 x bare Fastify in the same run, p99 <= 100 ms; RSS <= 64 MB idle, <= 80 MB peak.
import {
  buildForBench,
  compare,
  load,
  idleMemory,
  memoryVerdict,
  printResults,
  readyVerdict,
  startBareFastify,
  startService,
  verdict,
} from '@craftista/testkit';

const SLOW_START = { timeoutMs: 150_000 };
const CONNECTIONS = 50;
const DURATION_SEC = 10;

buildForBench(
  '@craftista/frontend',
  '@craftista/catalogue',
  '@craftista/recommendation',
  '@craftista/voting',
);
const [catalogue, recommendation] = await Promise.all([
  startService('apps/catalogue/dist/main.js', SLOW_START),
  startService('apps/recommendation/dist/main.js', SLOW_START),
]);
const voting = await startService('apps/voting/dist/main.js', {
  ...SLOW_START,
  env: { CATALOGUE_URL: catalogue.url },
});

const frontend = await startService('apps/frontend/dist/main.js', {
  timeoutMs: 60_000,
  env: {
    NODE_ENV: 'production',
    CATALOGUE_URL: catalogue.url,
    VOTING_URL: voting.url,
    RECOMMENDATION_URL: recommendation.url,
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret!!',
  },
});
const bare = await startBareFastify();

try {
  // The page must really be complete, or the figures mean nothing.
  const html = await (await fetch(frontend.url)).text();
  const up = (html.match(/class="status-box up"/g) ?? []).length;
  if (up !== 3 || !html.includes('Origami of the Day'))
    throw new Error(`GET / is not the stage-4 page (${up} backends up)`);

  const idle = await idleMemory(frontend);
  const options = { connections: CONNECTIONS };
  await load('warm-up', `${frontend.url}/`, { connections: 10, durationSec: 2 });
  const [baseline, page, products] = await compare(
    [
      { label: 'bare Fastify GET /bare', url: `${bare.url}/bare`, options },
      { label: 'GET /', url: `${frontend.url}/`, options },
      { label: 'GET /api/products', url: `${frontend.url}/api/products`, options },
    ],
    // A ratio to the yardstick: absolute req/s move with the machine.
    { durationSec: DURATION_SEC },
  );
  const { peakMiB } = frontend.memory();

  printResults(
    `frontend (${CONNECTIONS} connections, ${DURATION_SEC} s each)`,
    [baseline, page, products],
    baseline,
  );
  const ratio = page.reqPerSec / baseline.reqPerSec;
  console.log(`GET / = ${ratio.toFixed(2)} x bare Fastify (target >= 0.15) ${verdict(ratio >= 0.15)}`);
  console.log(`GET / p99 ${page.p99Ms} ms (target <= 100 ms) ${verdict(page.p99Ms <= 100)}`);
  // Served from the same cached path as the page, it has no target of its own.
  console.log(`GET /api/products = ${(products.reqPerSec / baseline.reqPerSec).toFixed(2)} x bare Fastify`);
  console.log(memoryVerdict('frontend', idle, peakMiB));
  // The backends here run on their embedded stores (PGlite's start is in voting's time): only the frontend's
  // own ready time, its backends up, is the goal's.
  console.log(readyVerdict('frontend', frontend));
  if (page.errors + page.non2xx + products.errors + products.non2xx > 0) {
    console.log('WARNING: errors or non-2xx answers during the run');
  }
} finally {
  await Promise.all([frontend, voting, recommendation, catalogue, bare].map((s) => s.stop()));
}
