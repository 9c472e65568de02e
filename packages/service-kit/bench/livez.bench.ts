// npm run bench -w @craftista/service-kit: req/s of a kit-built service's /livez next to a bare Fastify
// route, each in its own process, measured in the same run. Target: kit >= 0.7 x bare.
import { load, printResults, startBareFastify, startService } from '@craftista/testkit';

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
const bare = await startBareFastify();
const kit = await startService('packages/service-kit/test/fixtures/tiny-main.ts', {
  env: { LOG_LEVEL: 'warn' },
});
try {
  const baseline = await load('bare fastify GET /bare', `${bare.url}/bare`, { durationSec });
  const livez = await load('kit GET /livez', `${kit.url}/livez`, { durationSec });
  printResults('service-kit overhead (100 connections)', [baseline, livez], baseline);
  const ratio = livez.reqPerSec / baseline.reqPerSec;
  console.log(
    `kit/bare = ${ratio.toFixed(2)} (target >= 0.70) ${ratio >= 0.7 ? 'MET' : 'NOT MET'}; kit RSS ${kit.memory().rssMiB} MiB`,
  );
} finally {
  await Promise.all([bare.stop(), kit.stop()]);
}
