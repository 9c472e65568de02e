// Per-request conventions every service shares, Fastify or not: the request id, which routes are too
// frequent to log, and the one completion line.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when well-formed, else a fresh UUID. */
export const requestIdOf = (given: unknown): string =>
  typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();

/** Probes and scrapes are frequent and uninteresting: never logged per request. */
const QUIET_ROUTES = new Set(['/livez', '/readyz', '/metrics']);
export const isQuietRoute = (route: string | undefined): boolean => QUIET_ROUTES.has(route ?? '');

export interface Completion {
  reqId: string;
  traceId: string | undefined;
  method: string;
  url: string;
  statusCode: number;
  ms: number;
}

/** The one line per request, through the service logger with the ids as fields (no child logger needed). */
export function logCompletion(logger: Logger, { traceId, ...fields }: Completion): void {
  if (!logger.isLevelEnabled('info')) return;
  logger.info(
    { ...fields, ...(traceId ? { trace_id: traceId } : {}), ms: Math.round(fields.ms) },
    'request completed',
  );
}
