// Load measurement shared by every package's `npm run bench`: autocannon against a URL (or several, in
// alternating rounds), and a bare Fastify route measured the same way in the same run as the yardstick.
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { build as buildHistogram, type Histogram } from 'hdr-histogram-js';
import { freePort, startProcess } from './processes.js';
import { imageEnvironment, repoRoot, startService, type ServiceProcess } from './service-process.js';

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
 * `BENCH_ROUNDS` changes the number of rounds. With `pin`, those server processes share one core and this
 * process (the load generator) has the other for the whole comparison (see pinCores).
 */
export async function compare<const T extends readonly Target[]>(
  targets: T,
  {
    durationSec = 10,
    rounds = Number(process.env.BENCH_ROUNDS ?? 5),
    pin,
  }: { durationSec?: number; rounds?: number; pin?: number[] } = {},
): Promise<{ [K in keyof T]: LoadResult }> {
  const unpin = pin ? pinCores(pin) : () => undefined;
  try {
    return await compareRounds(targets, durationSec, rounds);
  } finally {
    unpin();
  }
}

async function compareRounds<const T extends readonly Target[]>(
  targets: T,
  durationSec: number,
  rounds: number,
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

/**
 * Puts the given server processes (all their threads) on core 0 and this process, the load generator, on
 * core 1, so server and client never take turns on one core; returns what gives every process all cores back.
 * Without `taskset` or a second core it pins nothing and says so.
 */
function pinCores(serverPids: number[]): () => void {
  const set = (core: string, pid: number) =>
    execFileSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore' });
  const cores = availableParallelism();
  try {
    if (cores < 2) throw new Error(`${cores} core`);
    for (const pid of serverPids) set('0', pid);
    set('1', process.pid);
  } catch (error) {
    console.log(`not pinned to cores (${String(error)}): server and load generator share the cores`);
    return () => undefined;
  }
  const all = `0-${cores - 1}`;
  return () => {
    for (const pid of [...serverPids, process.pid]) {
      try {
        set(all, pid);
      } catch {
        // the process has exited
      }
    }
  };
}

/** One answer as it goes on the wire, less what Node writes per connection (date, connection, length). */
export interface RawAnswer {
  status: number;
  headers: [string, string][];
  /** Base64. */
  body: string;
}

const PER_CONNECTION = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** What `url` answers to one GET: status, headers in order (as sent) and body. */
export function captureAnswer(url: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const headers: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i]!;
            if (!PER_CONNECTION.has(name.toLowerCase())) headers.push([name, res.rawHeaders[i + 1]!]);
          }
          resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks).toString('base64') });
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * The floor for a kit route: a raw `node:http` server in its own process answering every request with the
 * same status, headers and body as `url` answered (one GET, captured here), its header block built once.
 */
export async function startRawHttp(url: string): Promise<ServiceProcess> {
  const answer = await captureAnswer(url);
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  return startService('packages/testkit/src/raw-http.mjs', {
    env: { RAW_ANSWER: JSON.stringify(answer) },
    readyPath: '/',
  });
}

export const verdict = (met: boolean): string => (met ? 'MET' : 'NOT MET');

/** Goal 1 of the kit: a route at >= 0.9x the raw node:http server answering its bytes (pinned, same run). */
export function rawRatioVerdict(route: LoadResult, raw: LoadResult, target = 0.9): string {
  const ratio = route.reqPerSec / raw.reqPerSec;
  // The kit cannot answer faster than a server that only writes the same bytes: a ratio above 1 means the
  // pinned core was busy with other work during the raw server's turns, and the run says nothing.
  const outcome =
    ratio > 1.05
      ? 'NOT MEASURED (raw slower than the route: the core was shared; rerun)'
      : verdict(ratio >= target);
  return (
    `${route.label}: ${route.reqPerSec} req/s = ${ratio.toFixed(2)}x raw node:http (${raw.reqPerSec} req/s, ` +
    `same bytes and headers, server on core 0, load on core 1) (target >= ${target}) ${outcome}`
  );
}

const toMB = (mib: number) => Math.round(mib * 1.048576);

export interface IdleMemory {
  /** RSS right after the first answer, with startup's garbage and young generation still resident. */
  startMiB: number;
  /** The lowest RSS over `settleMs` without requests: what the process idles at. */
  idleMiB: number;
}

/**
 * Reads RSS after start, then every second for `settleMs` without requests, keeping the lowest. V8's memory
 * reducer gives back the young generation that startup grew (4 MiB semi-spaces, ~8 MB) once allocation has been
 * low for 8 s, or for 16 s when a timer or a retry kept it busy; a pod idles at that figure.
 */
export async function idleMemory(app: ServiceProcess, settleMs = 30_000): Promise<IdleMemory> {
  const startMiB = app.memory().rssMiB;
  let idleMiB = startMiB;
  for (let waited = 0; waited < settleMs; waited += 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idleMiB = Math.min(idleMiB, app.memory().rssMiB);
  }
  return { startMiB, idleMiB };
}

/**
 * RSS idle (settled, before any load) and peak (VmHWM after the load) against targets in MB (10^6 bytes); the
 * defaults are every service's goal: <= 64 MB idle, <= 80 MB peak under the bench load.
 */
export function memoryVerdict(
  service: string,
  idle: IdleMemory,
  peakMiB: number,
  { idleMB = 64, peakMB = 80 }: { idleMB?: number; peakMB?: number } = {},
): string {
  const settled = toMB(idle.idleMiB);
  const peak = toMB(peakMiB);
  return (
    `${service} RSS idle ${settled} MB, ${toMB(idle.startMiB)} MB just after start (target <= ${idleMB} MB idle) ` +
    `${verdict(settled <= idleMB)}; peak under load ${peak} MB (target <= ${peakMB} MB) ${verdict(peak <= peakMB)}`
  );
}

/** A built service's time from spawn to ready with its store already up (target <= 1 s). */
export function readyVerdict(service: string, app: ServiceProcess, targetMs = 1000): string {
  return `${service} ready in ${app.readyMs} ms with its store up (target <= ${targetMs} ms) ${verdict(app.readyMs <= targetMs)}`;
}

/**
 * `npm run dev` from cold with embedded stores (no Docker, no store URLs), on free ports: seconds until the
 * launcher reports all four apps live, read from its own summary line; then stops it with SIGTERM.
 */
export async function measureDevColdStart(timeoutMs = 150_000): Promise<number> {
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: Record<string, string | undefined> = {
    ...process.env,
    CRAFTISTA_STORES: 'embedded',
    FRONTEND_PORT: String(ports[0]),
    CATALOGUE_PORT: String(ports[1]),
    VOTING_PORT: String(ports[2]),
    RECOMMENDATION_PORT: String(ports[3]),
    MONGODB_URL: undefined,
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
  };
  const dev = startProcess(process.execPath, ['scripts/dev.mjs'], {
    cwd: repoRoot,
    env: env as NodeJS.ProcessEnv,
  });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seconds = /all four ready in ([\d.]+) s/.exec(dev.output())?.[1];
      if (seconds) return Number(seconds);
      if (dev.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm run dev did not report all four ready:\n${dev.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await dev.stop('SIGTERM', 20_000);
  }
}

/** The yardstick: a bare Fastify app with one JSON route, in its own process like the service. */
export function startBareFastify(): Promise<ServiceProcess> {
  return startService('packages/testkit/src/bare-fastify.mjs', { readyPath: '/bare' });
}

export function printResults(title: string, results: LoadResult[], baseline?: LoadResult): void {
  const settings = Object.entries(imageEnvironment()).map(([name, value]) => `${name}=${value}`);
  console.log(`\n${title}; node ${process.version}, as in the images: ${settings.join(' ')}`);
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
