import type { FastifyInstance } from 'fastify';
import { serveMetrics } from './metrics-server.js';
import { closeOnSignal } from './shutdown.js';

export interface RunOptions {
  port: number;
  host?: string;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs?: number;
}

/**
 * Listens, then on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, runs the app's onClose
 * hooks (what the app was given closes there) and exits.
 */
export async function runService(
  app: FastifyInstance,
  { port, host = '0.0.0.0', shutdownTimeoutMs }: RunOptions,
): Promise<void> {
  // METRICS_PORT, as createService read it: /metrics is served there and not on `port`.
  const metricsPort = app.metricsPort;
  const metrics =
    metricsPort === undefined
      ? undefined
      : await serveMetrics(app.metricsRegistry, { port: metricsPort, host });
  const close = async () => {
    await app.close();
    metrics?.close();
  };
  closeOnSignal({ log: app.log, server: app.server, close, timeoutMs: shutdownTimeoutMs });
  await app.listen({ port, host });
}
