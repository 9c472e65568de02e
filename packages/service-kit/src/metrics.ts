import type { FastifyInstance } from 'fastify';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';

/**
 * Serves the service's registry at /metrics. The kit records each request from its one onResponse hook, by
 * route pattern; unmatched URLs share the label "unmatched" so scanners cannot blow up the series count.
 */
export function registerMetrics(app: FastifyInstance, service: string): HttpMetrics {
  const metrics = createHttpMetrics(service);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return metrics;
}
