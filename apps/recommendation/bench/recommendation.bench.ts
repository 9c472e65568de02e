// npm run bench -w @craftista/recommendation: GET /api/origami-of-the-day on Redis next to a bare Fastify
// route, each in its own process, measured in the same run.
// Then the same route against a raw node:http server answering its bytes with its headers, the server
// processes pinned to one core and the load generator to the other.
// Targets (2-core machine): >= 0.6 x bare Fastify, p99 <= 20 ms; >= 0.9 x raw node:http; RSS <= 64 MB idle
// and <= 80 MB peak; ready <= 1 s with Redis up.
import {
  buildForBench,
  compare,
  load,
  idleMemory,
  memoryVerdict,
  printResults,
  rawRatioVerdict,
  readyVerdict,
  verdict,
  startBareFastify,
  startRawHttp,
  startRedis,
  startService,
} from '@craftista/testkit';

buildForBench('@craftista/recommendation');

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
const redis = await startRedis();
const bare = await startBareFastify();
const app = await startService('apps/recommendation/dist/main.js', {
  env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
});
const raw = await startRawHttp(`${app.url}/api/origami-of-the-day`).catch(async (error: unknown) => {
  await Promise.all([bare.stop(), app.stop()]);
  throw error;
});
try {
  const warm = await fetch(`${app.url}/api/origami-of-the-day`);
  if (!warm.ok) throw new Error(`warm-up answered ${warm.status}`);
  const idle = await idleMemory(app);
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
  const [floor, pinned] = await compare(
    [
      { label: 'raw node:http, same answer', url: `${raw.url}/api/origami-of-the-day` },
      { label: 'GET /api/origami-of-the-day', url: `${app.url}/api/origami-of-the-day` },
    ],
    // Twice as long (4 s turns, 3 s measured): a ratio near 0.9 needs more than 1 s of each turn.
    { durationSec: 2 * durationSec, pin: [raw.pid, app.pid] },
  );
  printResults('recommendation vs raw node:http (pinned: servers on core 0, load on core 1)', [
    floor,
    pinned,
  ]);
  const ratio = today.reqPerSec / baseline.reqPerSec;
  const { peakMiB } = app.memory();
  console.log(`ratio vs bare = ${ratio.toFixed(2)} (target >= 0.60) ${verdict(ratio >= 0.6)}`);
  console.log(`p99 = ${today.p99Ms} ms (target <= 20) ${verdict(today.p99Ms <= 20)}`);
  console.log(rawRatioVerdict(pinned, floor));
  console.log(memoryVerdict('recommendation', idle, peakMiB));
  console.log(readyVerdict('recommendation', app));
  console.log(`bare Fastify (plain node) peak ${bare.memory().peakMiB} MiB`);
  for (const r of [today, pinned])
    if (r.errors || r.non2xx) console.log(`${r.label}: errors ${r.errors}, non-2xx ${r.non2xx}: NOT MET`);
} finally {
  await Promise.all([bare.stop(), app.stop(), raw.stop()]);
  await redis.dispose();
}
