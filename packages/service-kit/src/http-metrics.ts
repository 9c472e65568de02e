// The request metrics every service exposes, Fastify or Express: one prom-client registry with Node's default
// metrics, and request count and latency per method, route and status.
import { collectDefaultMetrics, Counter, Registry, type Histogram } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  /** Counts one finished request. `route` is the matched route pattern, never the raw URL. */
  record(method: string, route: string, statusCode: number, seconds: number): void;
}

const LABEL_NAMES = ['method', 'route', 'status_code'] as const;
type Label = (typeof LABEL_NAMES)[number];
type Labels = Record<Label, string | number>;
/** One line of a scrape, in the shape prom-client's metrics hand their registry. */
interface Sample {
  labels: Record<string, string | number>;
  /** The series' labels; the registry writes them after `labels` and its default labels. */
  sharedLabels: Labels;
  value: number;
  metricName: string;
}

const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One (method, route, status) combination: its request count, summed seconds and per-bucket counts. */
interface Series {
  labels: Labels;
  count: number;
  sum: number;
  /** Requests per bucket, not cumulative; the last slot is for answers slower than every bound. */
  buckets: number[];
}

/**
 * `http_request_duration_seconds` as prom-client serves a histogram, but fed by plain counters: prom-client's
 * `observe` validates and hashes the label object on every call, which was the largest part of the kit's
 * per-request cost. The registry asks `get()` on each scrape, as it does of its own metrics.
 */
class DurationHistogram {
  readonly name = 'http_request_duration_seconds';
  readonly help = 'HTTP request duration';
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly series: Map<string, Series>) {}

  /** For the text exposition (what /metrics serves): the series' labels apart, as prom-client keeps them. */
  getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: Sample[];
  }> {
    const values: Sample[] = [];
    for (const { labels, count, sum, buckets } of this.series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += buckets[i]!;
        values.push({
          labels: { le },
          sharedLabels: labels,
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: `${this.name}_bucket` },
        { labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` },
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** For `registry.getMetricsAsJSON()`: each sample's labels in one object, as prom-client's `get()` gives them. */
  async get() {
    const metric = await this.getForPromString();
    const values = metric.values.map(({ labels, sharedLabels, ...sample }) => ({
      ...sample,
      labels: { ...labels, ...sharedLabels },
    }));
    return { ...metric, values };
  }

  reset(): void {
    this.series.clear();
  }
}

export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  // A service answers few (method, route, status) combinations; each is found by one string key.
  const series = new Map<string, Series>();
  new Counter<Label>({
    name: 'http_requests_total',
    help: 'HTTP requests served',
    labelNames: LABEL_NAMES,
    registers: [registry],
    // Filled from the series on each scrape instead of on each request.
    collect() {
      this.reset();
      for (const s of series.values()) this.inc(s.labels, s.count);
    },
  });
  registry.registerMetric(new DurationHistogram(series) as unknown as Histogram);
  return {
    registry,
    record(method, route, statusCode, seconds) {
      const key = `${method} ${statusCode} ${route}`;
      let found = series.get(key);
      if (!found) {
        found = {
          labels: { method, route, status_code: statusCode },
          count: 0,
          sum: 0,
          buckets: new Array<number>(BUCKETS.length + 1).fill(0),
        };
        series.set(key, found);
      }
      found.count += 1;
      found.sum += seconds;
      let i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
      found.buckets[i] = found.buckets[i]! + 1;
    },
  };
}
