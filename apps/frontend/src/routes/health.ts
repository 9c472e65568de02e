import { Router } from 'express';
import type { HttpMetrics } from '@craftista/service-kit/core';

/** /livez: the process answers. /readyz: the frontend itself can serve (backends are shown on the page, not required). */
export function healthRoutes({
  metrics,
  lifecycle,
}: {
  /** Undefined when METRICS_PORT serves them elsewhere (main.ts), so this port has no /metrics. */
  metrics: HttpMetrics | undefined;
  lifecycle: { draining: boolean };
}): Router {
  const router = Router();
  router.get('/livez', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    if (lifecycle.draining) {
      res
        .status(503)
        .json({ status: 'unavailable', error: 'not_ready', message: 'The frontend is shutting down.' });
      return;
    }
    res.json({ status: 'ready' });
  });
  if (metrics) {
    router.get('/metrics', async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  return router;
}
