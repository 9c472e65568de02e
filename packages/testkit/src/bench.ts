// Load measurement shared by every package's `npm run bench`: autocannon against a URL, and a bare
// Fastify route measured the same way in the same run as the yardstick.
import autocannon from 'autocannon';
import { imageNodeOptions, startService, type ServiceProcess } from './service-process.js';

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

export async function load(label: string, url: string, options: LoadOptions = {}): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections ?? 100,
    duration: options.durationSec ?? 10,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
  });
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
