// npm run bench -w @craftista/recommendation: GET /api/origami-of-the-day on Redis next to a bare Fastify
// route, each in its own process, measured in the same run.
// Targets (2-core machine): >= 0.6 x bare Fastify, p99 <= 20 ms, RSS <= 120 MB.
import {
  buildForBench,
  compare,
  load,
  printResults,
  startBareFastify,
  startRedis,
  startService,
  rssVerdict,
} from '@craftista/testkit';

buildForBench('@craftista/recommendation');

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
const redis = await startRedis();
const bare = await startBareFastify();
const app = await startService('apps/recommendation/dist/main.js', {
  env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
});
try {
  const warm = await fetch(`${app.url}/api/origami-of-the-day`);
  if (!warm.ok) throw new Error(`warm-up answered ${warm.status}`);
  const idle = app.memory();
  await load('warm-up', `${app.url}/api/origami-of-the-day`, { durationSec: 2 });
  const [baseline, livez, today] = await compare(
    [
      { label: 'bare fastify GET /bare', url: `${bare.url}/bare` },
      { label: 'kit GET /livez (same process)', url: `${app.url}/livez` },
      { label: 'GET /api/origami-of-the-day', url: `${app.url}/api/origami-of-the-day` },
    ],
    { durationSec },
  );
  printResults(
    'recommendation, Redis-backed (100 connections, alternating rounds)',
    [baseline, livez, today],
    baseline,
  );
  const ratio = today.reqPerSec / baseline.reqPerSec;
  const { rssMiB, peakMiB } = app.memory();
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(`ratio vs bare = ${ratio.toFixed(2)} (target >= 0.60) ${verdict(ratio >= 0.6)}`);
  console.log(`p99 = ${today.p99Ms} ms (target <= 20) ${verdict(today.p99Ms <= 20)}`);
  console.log(
    `RSS now ${rssMiB} MiB, ${rssVerdict(peakMiB)}; idle before load ${idle.rssMiB} MiB; ` +
      `bare Fastify (plain node) peak ${bare.memory().peakMiB} MiB`,
  );
  if (today.errors || today.non2xx) console.log(`errors ${today.errors}, non-2xx ${today.non2xx}: NOT MET`);
} finally {
  await Promise.all([bare.stop(), app.stop()]);
  await redis.dispose();
}
