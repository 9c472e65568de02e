// Load measurement shared by every package's `npm run bench`: autocannon against a URL (or several, in
// alternating rounds), and a bare Fastify route measured the same way in the same run as the yardstick.
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
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

// Not in @types/autocannon: merges runs made with skipAggregateResult, histograms included.
const aggregateResult = (
  autocannon as unknown as {
    aggregateResult(
      results: autocannon.Result[],
      opts: { url: string; connections?: number },
    ): autocannon.Result;
  }
).aggregateResult;

/**
 * Loads each target for `durationSec` in all, in alternating rounds (A B C A B C ...), so that the drift of a
 * shared machine (on two cores, identical runs differ by ±20% from one ten-second run to the next) falls on
 * every target alike instead of on whichever ran during a slow spell; each turn starts with an unmeasured
 * second. Figures are over all rounds: req/s over the rounds' total time, p50/p99 from the merged latency
 * histograms. `BENCH_ROUNDS` changes the number of rounds.
 */
export async function compare<const T extends readonly Target[]>(
  targets: T,
  {
    durationSec = 10,
    rounds = Number(process.env.BENCH_ROUNDS ?? 5),
  }: { durationSec?: number; rounds?: number } = {},
): Promise<{ [K in keyof T]: LoadResult }> {
  const perRound = Math.max(1, Math.round(durationSec / rounds));
  const runs: autocannon.Result[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      // Unmeasured: a process that sat idle through the other targets' turns (and opens its connections
      // again) is slower for a moment; measured straight away, whichever target came first paid for it.
      await run(target.url, { ...target.options, durationSec: 1 }, true);
      runs[i]!.push(await run(target.url, { ...target.options, durationSec: perRound }, true));
    }
  }
  return targets.map((target, i) => {
    const merged = aggregateResult(runs[i]!, {
      url: target.url,
      connections: target.options?.connections ?? 100,
    });
    const seconds = runs[i]!.reduce((sum, r) => sum + r.duration, 0);
    return { ...toLoadResult(target.label, merged), reqPerSec: Math.round(merged.requests.total / seconds) };
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
