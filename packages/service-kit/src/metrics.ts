import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from './http-metrics.js';

/**
 * The service's registry, served at /metrics on the service's port unless `ownPort` (METRICS_PORT is set:
 * runService serves it there). The kit records each request once it is answered, by route pattern;
 * unmatched URLs share the label "unmatched" so scanners cannot blow up the series count.
 */
export function registerMetrics(app: FastifyInstance, metrics: HttpMetrics, ownPort: boolean): void {
  if (ownPort) return;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
