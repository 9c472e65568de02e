import type { FastifyInstance } from 'fastify';

export interface RunOptions {
  port: number;
  host?: string;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs?: number;
}

/**
 * Listens, then on SIGTERM/SIGINT stops accepting, lets in-flight requests finish, runs the app's onClose
 * hooks (stores close there) and exits; a shutdown that takes longer than the timeout exits with 1.
 */
export async function runService(
  app: FastifyInstance,
  { port, host = '0.0.0.0', shutdownTimeoutMs = 10_000 }: RunOptions,
): Promise<void> {
  let closing = false;
  // Logs are written asynchronously: flush them before the process goes away.
  const exit = (code: number) => {
    const logger = app.log as { flush?: (cb: () => void) => void };
    if (logger.flush) logger.flush(() => process.exit(code));
    else process.exit(code);
  };
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error(`shutdown took longer than ${shutdownTimeoutMs} ms; exiting`);
      exit(1);
    }, shutdownTimeoutMs).unref();
    // Keep-alive connections that finish their last request while we drain would otherwise hold
    // the server open until their idle timeout: close each as soon as it goes idle.
    setInterval(() => app.server.closeIdleConnections(), 100).unref();
    app.close().then(
      () => {
        app.log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen({ port, host });
}
