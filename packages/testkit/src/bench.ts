// Load measurement shared by every package's `npm run bench`: autocannon against a URL (or several, in
// alternating rounds), and a bare Fastify route measured the same way in the same run as the yardstick.
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { imageNodeOptions, repoRoot, startService, type ServiceProcess } from './service-process.js';

/**
 * Builds the given workspaces and everything they depend on (turbo, cached), so a bench started with
 * `npm run bench -w <app>` measures the current sources' dist/ and never a stale one.
 */
export function buildForBench(...workspaces: string[]): void {
  console.log(`building ${workspaces.join(', ')} and their packages (turbo build)...`);
  execFileSync(
    'npx',
    ['turbo', 'run', 'build', ...workspaces.map((w) => `--filter=${w}...`), '--output-logs=errors-only'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
}

export interface LoadOptions {
  connections?: number;
  durationSec?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  label: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
  non2xx: number;
}

function run(url: string, options: LoadOptions, skipAggregateResult = false) {
  return autocannon({
    url,
    connections: options.connections ?? 100,
    duration: options.durationSec ?? 10,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    skipAggregateResult,
  });
}

function toLoadResult(label: string, result: autocannon.Result): LoadResult {
  return {
    label,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export async function load(label: string, url: string, options: LoadOptions = {}): Promise<LoadResult> {
  return toLoadResult(label, await run(url, options));
}

export interface Target {
  label: string;
  url: string;
  options?: LoadOptions;
}

/** What one target's measured turns add up to. */
interface Tally {
  latenciesUs: Histogram;
  answered: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

/**
 * One turn on one target: a single autocannon run whose first `warmSec` seconds are not measured, so the
 * measured seconds start on connections that are already open and busy. Measured from a fresh start, each
 * turn's opening burst (100 connections at once) alone made the p99 of a two-second turn.
 */
async function turn(target: Target, warmSec: number, seconds: number, tally: Tally): Promise<void> {
  // Without a callback autocannon returns its instance, an event emitter that is also a promise of the result.
  const instance = run(
    target.url,
    { ...target.options, durationSec: warmSec + seconds },
    true,
  ) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  let from: number | undefined;
  const timer = setTimeout(() => (from = performance.now()), warmSec * 1000);
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    if (from === undefined) return;
    tally.answered += 1;
    if (statusCode >= 200 && statusCode < 300)
      tally.latenciesUs.recordValue(Math.max(1, Math.round(ms * 1000)));
    else tally.non2xx += 1;
  });
  instance.on('reqError', () => {
    if (from !== undefined) tally.errors += 1;
  });
  await instance;
  clearTimeout(timer);
  if (from !== undefined) tally.seconds += (performance.now() - from) / 1000;
}

/**
 * Loads each target for `durationSec` in all, in alternating rounds (A B C A B C ...), so that the drift of a
 * shared machine (on two cores, identical runs differ by ±20% from one ten-second run to the next) falls on
 * every target alike instead of on whichever ran during a slow spell. Each turn starts with an unmeasured
 * second on the same connections: a process that sat idle through the other targets' turns is slower for a
 * moment, and opening 100 connections at once is a burst, not the steady load the figures are about.
 * Figures are over all rounds: req/s over the measured time, p50/p99 of every 2xx answer's latency.
 * `BENCH_ROUNDS` changes the number of rounds.
 */
export async function compare<const T extends readonly Target[]>(
  targets: T,
  {
    durationSec = 10,
    rounds = Number(process.env.BENCH_ROUNDS ?? 5),
  }: { durationSec?: number; rounds?: number } = {},
): Promise<{ [K in keyof T]: LoadResult }> {
  const perRound = Math.max(1, Math.round(durationSec / rounds));
  const tallies: Tally[] = targets.map(() => ({
    latenciesUs: buildHistogram({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
    }),
    answered: 0,
    non2xx: 0,
    errors: 0,
    seconds: 0,
  }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) await turn(target, 1, perRound, tallies[i]!);
  }
  return targets.map((target, i): LoadResult => {
    const t = tallies[i]!;
    const ms = (percentile: number) => Math.round(t.latenciesUs.getValueAtPercentile(percentile) / 100) / 10;
    const result = {
      label: target.label,
      reqPerSec: Math.round(t.answered / t.seconds),
      p50Ms: ms(50),
      p99Ms: ms(99),
      total: t.answered,
      errors: t.errors,
      non2xx: t.non2xx,
    };
    t.latenciesUs.destroy();
    return result;
  }) as { [K in keyof T]: LoadResult };
}

/** The yardstick: a bare Fastify app with one JSON route, in its own process like the service. */
export function startBareFastify(): Promise<ServiceProcess> {
  return startService('packages/testkit/src/bare-fastify.mjs', { readyPath: '/bare' });
}

export function printResults(title: string, results: LoadResult[], baseline?: LoadResult): void {
  console.log(`\n${title}; node ${process.version}, NODE_OPTIONS as in the images: ${imageNodeOptions()}`);
  console.table(
    results.map((r) => ({
      route: r.label,
      'req/s': r.reqPerSec,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      requests: r.total,
      errors: r.errors,
      non2xx: r.non2xx,
      ...(baseline ? { 'x bare': +(r.reqPerSec / baseline.reqPerSec).toFixed(2) } : {}),
    })),
  );
}

/** The verdict on a peak RSS read in MiB against a target the issues give in MB (10^6 bytes). */
export function rssVerdict(peakMiB: number, targetMB = 120): string {
  const mb = Math.round(peakMiB * 1.048576);
  return `peak RSS ${peakMiB} MiB = ${mb} MB (target <= ${targetMB} MB) ${mb <= targetMB ? 'MET' : 'NOT MET'}`;
}
