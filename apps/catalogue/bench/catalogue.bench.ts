// npm run bench -w @craftista/catalogue: the list and one item under autocannon (100 connections, 10 s each),
// next to a bare Fastify route in the same run. The app runs as a process on MongoDB (a FerretDB started here,
// or $MONGODB_URL) when available, else on the embedded store; BENCH_STORE=memory forces the embedded store.
// Then the list against a raw node:http server answering its bytes with its headers, the server processes
// pinned to one core and the load generator to the other.
// Targets (2-core machine): list >= 0.4 x bare, p99 <= 30 ms; list >= 0.9 x raw node:http; RSS <= 64 MB idle
// and <= 80 MB peak under load; ready <= 1 s with its store up.
import {
  buildForBench,
  compare,
  load,
  idleMemory,
  memoryVerdict,
  printResults,
  rawRatioVerdict,
  readyVerdict,
  startBareFastify,
  startMongo,
  startRawHttp,
  startService,
  verdict,
  type ServerHandle,
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
const idle = await idleMemory(app);
let raw: Awaited<ReturnType<typeof startRawHttp>> | undefined;
try {
  await load('warm-up', `${app.url}/api/products`, { durationSec: 2 });
  raw = await startRawHttp(`${app.url}/api/products`);
  const [baseline, list, item] = await compare(
    [
      { label: 'bare fastify GET /bare', url: `${bare.url}/bare` },
      { label: `catalogue GET /api/products (${store})`, url: `${app.url}/api/products` },
      { label: `catalogue GET /api/products/3 (${store})`, url: `${app.url}/api/products/3` },
    ],
    { durationSec },
  );
  const [floor, pinned] = await compare(
    [
      { label: 'raw node:http, same answer', url: `${raw.url}/api/products` },
      { label: `catalogue GET /api/products (${store})`, url: `${app.url}/api/products` },
    ],
    // Twice as long (4 s turns, 3 s measured): a ratio near 0.9 needs more than 1 s of each turn.
    { durationSec: 2 * durationSec, pin: [raw.pid, app.pid] },
  );
  const rss = app.memory();
  printResults('catalogue (100 connections, alternating rounds)', [baseline, list, item], baseline);
  printResults('catalogue vs raw node:http (pinned: servers on core 0, load on core 1)', [floor, pinned]);
  const ratio = list.reqPerSec / baseline.reqPerSec;
  const p99 = Math.max(list.p99Ms, item.p99Ms);
  console.log(`list/bare = ${ratio.toFixed(2)} (target >= 0.40) ${verdict(ratio >= 0.4)}`);
  console.log(`p99 list ${list.p99Ms} ms, item ${item.p99Ms} ms (target <= 30 ms) ${verdict(p99 <= 30)}`);
  console.log(rawRatioVerdict(pinned, floor));
  console.log(memoryVerdict(`catalogue (${store})`, idle, rss.peakMiB));
  console.log(readyVerdict(`catalogue (${store})`, app));
  if (list.errors + item.errors + list.non2xx + item.non2xx + pinned.errors + pinned.non2xx > 0)
    console.log('WARNING: errors or non-2xx answers during the run');
} finally {
  await Promise.all([bare.stop(), app.stop(), raw?.stop()]);
  await mongo?.dispose();
}
