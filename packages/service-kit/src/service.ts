import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { requestContext } from '@craftista/http-client';
import { registerErrorHandling } from './errors.js';
import { Readiness, registerHealth } from './health.js';
import { registerMetrics } from './metrics.js';
import { RequestLogger, requestLoggerFactory } from './request-logger.js';
import { API_SECURITY_HEADERS } from './security-headers.js';
import { initTracing, shutdownTracing } from './tracing.js';

export interface ServiceOptions {
  /** Service name: logs, metrics labels, trace resource, OpenAPI title. */
  name: string;
  version: string;
  description?: string;
  logLevel?: string;
  /** Set false to silence logs entirely (tests). */
  logger?: boolean;
  /** Largest accepted request body in bytes; default 100 KiB. */
  bodyLimit?: number;
  otlpEndpoint?: string;
  /**
   * Keep the request's trace context and id active while its handler runs, so calls made through
   * @craftista/http-client forward them. Only for services whose handlers call other services: on Node 20
   * the AsyncLocalStorage it needs costs about a fifth of a small route's throughput.
   */
  propagateContext?: boolean;
  /** Where JSON log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
    metricsRegistry: Registry;
  }
  interface FastifyRequest {
    span?: Span;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes and scrapes are frequent and uninteresting: never logged per request. */
const QUIET_ROUTES = new Set(['/livez', '/readyz', '/metrics']);

/**
 * Builds a Fastify 5 app with what every Craftista service shares: JSON logs with request and trace ids,
 * /livez, /readyz, /metrics, W3C trace context, one error shape, security headers, a body limit and
 * OpenAPI. The caller adds its routes, readiness checks and `onClose` hooks, then `runService`s it.
 */
export async function createService(options: ServiceOptions): Promise<FastifyInstance> {
  const startSpan = await initTracing(options.name, options.otlpEndpoint);
  const logger: Logger = pino(
    {
      level: options.logger === false ? 'silent' : (options.logLevel ?? 'info'),
      base: { service: options.name, version: options.version },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    options.logDestination ?? pino.destination({ sync: false }),
  );

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 100 * 1024,
    requestIdHeader: false,
    childLoggerFactory: requestLoggerFactory,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One line per request is written in onResponse below, with the fields we want.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Removing unknown properties silently would store half of what a client meant: refuse instead.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });

  app.decorate('readiness', new Readiness(1000));
  app.decorateRequest('span', undefined);

  // Trace context and request id live for the whole request, so the shared HTTP client forwards them.
  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    // Named for its route when it ends (only recording spans keep a name).
    const span = startSpan(request.method, { kind: SpanKind.SERVER }, parent);
    request.span = span;
    const log: unknown = request.log;
    if (log instanceof RequestLogger) log.traceId = span.spanContext().traceId;
    // A route with its own log level has a real pino child (see requestLoggerFactory).
    else (log as Logger).setBindings({ trace_id: span.spanContext().traceId });
    reply.header('x-request-id', request.id).headers(API_SECURITY_HEADERS);
    if (!options.propagateContext) return done();
    context.with(trace.setSpan(parent, span), () => requestContext.run({ requestId: request.id }, done));
  });

  // Metrics registered first so /metrics exists; recorded from the one onResponse hook below.
  const metrics = registerMetrics(app, options.name);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    metrics.record(request.method, route ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    const span = request.span;
    if (span) {
      if (span.isRecording()) {
        span.updateName(`${request.method} ${route ?? 'unmatched'}`);
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    if (!QUIET_ROUTES.has(route ?? '') && logger.isLevelEnabled('info')) {
      // Through the service logger with the ids as fields: no per-request child logger is needed for it.
      logger.info(
        {
          reqId: request.id,
          ...(span ? { trace_id: span.spanContext().traceId } : {}),
          method: request.method,
          url: request.url,
          statusCode: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: options.name, version: options.version, description: options.description ?? '' },
      // Admin writes name this scheme in their route schema: `security: [{ adminToken: [] }]`.
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerErrorHandling(app);
  registerHealth(app, app.readiness);
  app.decorate('metricsRegistry', metrics.registry);
  app.addHook('onClose', async () => shutdownTracing());
  return app;
}
