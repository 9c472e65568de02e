import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHttpMetrics } from './http-metrics.js';

const OBSERVED: [string, string, number, number][] = [
  ['GET', '/api/products', 200, 0.0004],
  ['GET', '/api/products', 200, 0.003],
  ['GET', '/api/products', 200, 0.01], // on a bound: counted in that bucket, as Prometheus defines `le`
  ['GET', '/api/products', 200, 3],
  ['GET', '/api/products/:id', 404, 0.02],
  ['POST', '/api/products', 201, 0.2],
];

/** The request metrics' lines of a scrape, sorted, without the default process metrics. */
async function requestLines(registry: Registry): Promise<string[]> {
  const text = await registry.metrics();
  return text
    .split('\n')
    .filter((line) => /^http_request/.test(line))
    .sort();
}

describe('createHttpMetrics', () => {
  it('serves the same counter and histogram lines as prom-client itself would for the same requests', async () => {
    const metrics = createHttpMetrics('catalogue');
    for (const [method, route, status, seconds] of OBSERVED) metrics.record(method, route, status, seconds);

    const reference = new Registry();
    reference.setDefaultLabels({ service: 'catalogue' });
    const labelNames = ['method', 'route', 'status_code'];
    const count = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests served',
      labelNames,
      registers: [reference],
    });
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [reference],
    });
    for (const [method, route, status_code, seconds] of OBSERVED) {
      count.inc({ method, route, status_code });
      duration.observe({ method, route, status_code }, seconds);
    }

    const ours = await requestLines(metrics.registry);
    expect(ours).toEqual(await requestLines(reference));
    // prom-client's own buckets carry `exemplar: null`; without exemplars there is nothing else to compare.
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON())
        .filter((m) => m.name.startsWith('http_request'))
        .map((m) => ({
          ...m,
          values: m.values.map((value) => {
            const { exemplar: _none, ...rest } = value as typeof value & { exemplar?: unknown };
            return rest;
          }),
        }));
    expect(await json(metrics.registry)).toEqual(await json(reference));
    expect(ours).toContain(
      'http_requests_total{method="GET",route="/api/products",status_code="200",service="catalogue"} 4',
    );
    expect(ours).toContain(
      'http_request_duration_seconds_bucket{le="0.01",service="catalogue",method="GET",route="/api/products",status_code="200"} 3',
    );
  });

  it('keeps counting across scrapes and starts again after a registry reset', async () => {
    const metrics = createHttpMetrics('voting');
    metrics.record('GET', '/livez', 200, 0.001);
    await metrics.registry.metrics();
    metrics.record('GET', '/livez', 200, 0.001);
    const line = (text: string) =>
      text.split('\n').find((l) => l.startsWith('http_requests_total{method="GET",route="/livez"'));
    expect(line(await metrics.registry.metrics())).toMatch(/ 2$/);
    metrics.registry.resetMetrics();
    expect(line(await metrics.registry.metrics())).toBeUndefined();
  });
});
