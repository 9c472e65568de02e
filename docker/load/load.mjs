// A short load run against the frontend: WORKERS parallel loops of REQUESTS_PER_WORKER page loads each.
// Prints the totals and exits 1 if any request failed. Runs on the Node image the apps use.
const target = process.env.TARGET_URL;
if (!target) throw new Error('TARGET_URL is required');
const workers = Number(process.env.WORKERS ?? 8);
const perWorker = Number(process.env.REQUESTS_PER_WORKER ?? 250);

let ok = 0;
let failed = 0;
async function worker() {
  for (let i = 0; i < perWorker; i++) {
    try {
      const res = await fetch(`${target}/`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.ok) ok++;
      else failed++;
    } catch {
      failed++;
    }
  }
}
const started = Date.now();
await Promise.all(Array.from({ length: workers }, worker));
const secs = Math.max((Date.now() - started) / 1000, 0.001);
console.log(
  `load: ${ok} ok, ${failed} failed in ${secs.toFixed(1)}s (~${Math.round(ok / secs)} req/s) against ${target}`,
);
process.exitCode = failed === 0 ? 0 : 1;
