import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { createHttpMetrics } from './http-metrics.js';

export interface Metrics {
  registry: Registry;
  /** Records one finished request; the kit calls it from its single onResponse hook. */
  observe(request: FastifyRequest, reply: FastifyReply): void;
}

/** Serves the service's registry at /metrics and records each request by its route pattern. */
export function registerMetrics(app: FastifyInstance, service: string): Metrics {
  const { registry, record } = createHttpMetrics(service);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  return {
    registry,
    observe(request, reply) {
      // Unmatched URLs share one label so scanners cannot blow up the series count.
      record(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
    },
  };
}
