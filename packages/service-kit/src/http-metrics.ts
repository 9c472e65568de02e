// The request metrics every service exposes, Fastify or Express: one registry with Node's default metrics,
// and request count and latency per method, route and status.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  /** Counts one finished request. `route` is the matched route pattern, never the raw URL. */
  record(method: string, route: string, statusCode: number, seconds: number): void;
}

const LABEL_NAMES = ['method', 'route', 'status_code'] as const;
type Label = (typeof LABEL_NAMES)[number];

export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter<Label>({
    name: 'http_requests_total',
    help: 'HTTP requests served',
    labelNames: LABEL_NAMES,
    registers: [registry],
  });
  const duration = new Histogram<Label>({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: LABEL_NAMES,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // prom-client hashes the label object on every call. A service answers few (method, route, status)
  // combinations, so each one's series are looked up once and kept.
  const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<Label> }>();
  return {
    registry,
    record(method, route, statusCode, seconds) {
      const key = `${method} ${statusCode} ${route}`;
      let found = series.get(key);
      if (!found) {
        const labels = { method, route, status_code: statusCode };
        found = { count: requests.labels(labels), time: duration.labels(labels) };
        series.set(key, found);
      }
      found.count.inc();
      found.time.observe(seconds);
    },
  };
}
