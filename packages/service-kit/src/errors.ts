import type { FastifyError, FastifyInstance } from 'fastify';

/** Throw from a route to answer `{ error: code, message }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A store did not answer: 503, so clients and load balancers know to retry elsewhere or later. */
export class StoreUnavailableError extends HttpError {
  constructor(store: string, cause?: unknown) {
    super(503, 'store_unavailable', `${store} is unavailable; try again shortly`);
    this.cause = cause;
  }
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** One error shape for everything: `{ error, message }`, never a stack trace; 5xx logged with the request id. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      if (error.statusCode >= 500) request.log.warn({ err: error.cause ?? error }, error.message);
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send({ error: error.code, message: error.message });
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if ((error as FastifyError).validation) {
      return reply.code(400).send({ error: 'validation_failed', message: error.message });
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: CODES[status] ?? 'bad_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'Something went wrong on our side; it has been logged.' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` }),
  );
}
