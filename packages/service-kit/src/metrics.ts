import type { FastifyInstance } from 'fastify';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';

/**
 * The service's registry, served at /metrics on the service's port unless `ownPort` (METRICS_PORT is set:
 * runService serves it there). The kit records each request from its one onResponse hook, by route pattern;
 * unmatched URLs share the label "unmatched" so scanners cannot blow up the series count.
 */
export function registerMetrics(app: FastifyInstance, service: string, ownPort: boolean): HttpMetrics {
  const metrics = createHttpMetrics(service);
  if (ownPort) return metrics;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return metrics;
}
