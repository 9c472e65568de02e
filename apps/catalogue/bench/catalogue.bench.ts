// npm run bench -w @craftista/catalogue: the list and one item under autocannon (100 connections, 10 s each),
// next to a bare Fastify route in the same run. The app runs as a process on MongoDB (a FerretDB started here,
// or $MONGODB_URL) when available, else on the embedded store; BENCH_STORE=memory forces the embedded store.
// Targets (2-core machine): list >= 0.4 x bare, p99 <= 30 ms, RSS under load <= 120 MB.
import {
  buildForBench,
  compare,
  load,
  printResults,
  startBareFastify,
  startMongo,
  startService,
  type ServerHandle,
  rssVerdict,
} from '@craftista/testkit';

buildForBench('@craftista/catalogue');

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
let mongo: ServerHandle | undefined;
let mongodbUrl = process.env.MONGODB_URL;
if (!mongodbUrl && process.env.BENCH_STORE !== 'memory') {
  mongo = await startMongo();
  mongodbUrl = `${mongo.url}catalogue_bench`;
}
const store = mongodbUrl ? 'MongoDB' : 'embedded';
const bare = await startBareFastify();
const app = await startService('apps/catalogue/dist/main.js', {
  env: { LOG_LEVEL: 'warn', MONGODB_URL: mongodbUrl },
  readyPath: '/readyz',
  timeoutMs: 60_000,
});
const idle = app.memory();
try {
  await load('warm-up', `${app.url}/api/products`, { durationSec: 2 });
  const [baseline, list, item] = await compare(
    [
      { label: 'bare fastify GET /bare', url: `${bare.url}/bare` },
      { label: `catalogue GET /api/products (${store})`, url: `${app.url}/api/products` },
      { label: `catalogue GET /api/products/3 (${store})`, url: `${app.url}/api/products/3` },
    ],
    { durationSec },
  );
  const rss = app.memory();
  printResults('catalogue (100 connections, alternating rounds)', [baseline, list, item], baseline);
  const ratio = list.reqPerSec / baseline.reqPerSec;
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  const p99 = Math.max(list.p99Ms, item.p99Ms);
  const peak = rss.peakMiB;
  console.log(`list/bare = ${ratio.toFixed(2)} (target >= 0.40) ${verdict(ratio >= 0.4)}`);
  console.log(`p99 list ${list.p99Ms} ms, item ${item.p99Ms} ms (target <= 30 ms) ${verdict(p99 <= 30)}`);
  console.log(
    `RSS idle ${idle.rssMiB} MiB (built app, node dist/main.js), after load ${rss.rssMiB} MiB, ${rssVerdict(peak)}`,
  );
  if (list.errors + item.errors + list.non2xx + item.non2xx > 0)
    console.log('WARNING: errors or non-2xx answers during the run');
} finally {
  await Promise.all([bare.stop(), app.stop()]);
  await mongo?.dispose();
}
