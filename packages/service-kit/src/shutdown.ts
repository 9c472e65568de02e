import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface ShutdownOptions {
  log: Pick<Logger, 'info' | 'error'> & { flush?: (cb: () => void) => void };
  server: Server;
  /** Stops accepting, lets in-flight requests finish and closes what the service opened. */
  close: () => Promise<void>;
  /** Longest a graceful shutdown may take before the process exits anyway. */
  timeoutMs?: number;
}

/**
 * On SIGTERM/SIGINT: `close()`, then exit 0 (1 if closing failed or took longer than the timeout). Logs are
 * written asynchronously, so they are flushed before the process goes away.
 */
export function closeOnSignal({ log, server, close, timeoutMs = 10_000 }: ShutdownOptions): void {
  let closing = false;
  const exit = (code: number) => {
    if (log.flush) log.flush(() => process.exit(code));
    else process.exit(code);
  };
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error(`shutdown took longer than ${timeoutMs} ms; exiting`);
      exit(1);
    }, timeoutMs).unref();
    // Keep-alive connections that finish their last request while we drain would otherwise hold
    // the server open until their idle timeout: close each as soon as it goes idle.
    setInterval(() => server.closeIdleConnections(), 100).unref();
    close().then(
      () => {
        log.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'error while shutting down');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
