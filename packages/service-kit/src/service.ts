import http from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Span } from '@opentelemetry/api';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { requestContext } from '@craftista/http-client/context';
import { ADMIN_SCHEME, registerAdminAuth } from './auth.js';
import { registerDocsPage } from './docs.js';
import { registerErrorHandling } from './errors.js';
import { readInfoPage, registerInfoPage } from './info-page.js';
import { Readiness, registerHealth } from './health.js';
import { registerJsonBodyParser } from './json-body.js';
import { FastRoutes, type RequestWork } from './fast-path.js';
import { createHttpMetrics } from './http-metrics.js';
import { registerMetrics } from './metrics.js';
import { registerMethodNotAllowed } from './method-not-allowed.js';
import { registerOpenApi } from './openapi.js';
import { RequestLogger, requestLoggerFactory } from './request-logger.js';
import { isQuietRoute, logCompletion, requestIdOf } from './requests.js';
import { declareRequestErrors, formatValidation, ownCompilers } from './schemas.js';
import { API_SECURITY_HEADERS } from './security-headers.js';
import { endRequestSpan, initTracing, shutdownTracing } from './tracing.js';

/** What a service is: fixed in its code. */
export interface ServiceMeta {
  /** Service name: logs, metrics labels, trace resource, OpenAPI title, the admin challenge's realm. */
  name: string;
  description?: string;
  /** The variable holding the bearer token of routes declared `config: { admin: true }`. */
  adminToken?: string;
  /** Serve GET /docs, an HTML index of the OpenAPI operations. */
  docs?: boolean;
  /** Serve GET /, the service's landing page, from this page file (JSON: title, heading, paragraphs, links, logo). */
  infoPage?: URL;
  /** Largest accepted request body in bytes; default 100 KiB. */
  bodyLimit?: number;
  /**
   * Keep the request's trace context and id active while its handler runs, so calls made through
   * @craftista/http-client forward them. Only for services whose handlers call other services: on Node 20
   * the AsyncLocalStorage it needs costs about a fifth of a small route's throughput.
   */
  propagateContext?: boolean;
  /** Where JSON log lines go; default stdout (tests pass their own). */
  logDestination?: NodeJS.WritableStream;
}

/** The shared variables (`baseEnv` of @craftista/config) and the service's admin token variable. */
export interface ServiceConfig {
  APP_VERSION: string;
  LOG_LEVEL?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  /** Set: /metrics is served on this port (by runService) and not on the service's own. */
  METRICS_PORT?: number | undefined;
  [variable: string]: unknown;
}

/** A Fastify instance whose handlers are typed from their zod schemas. */
export type Service = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
    metricsRegistry: Registry;
    /** METRICS_PORT: where runService serves /metrics instead of the service's port. */
    metricsPort: number | undefined;
  }
  interface FastifyRequest {
    span?: Span;
  }
}

/**
 * Builds a Fastify 5 app with what every Craftista service shares: JSON logs with request and trace ids,
 * /livez, /readyz, /metrics, W3C trace context, one error shape, security headers, a body limit, zod
 * schemas that validate, type the handlers and describe the routes in OpenAPI, and admin bearer auth. The
 * caller adds its routes, readiness checks and `onClose` hooks, then `runService`s it.
 */
export async function createService(meta: ServiceMeta, config: ServiceConfig): Promise<Service> {
  const startSpan = await initTracing(meta.name, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger: Logger = pino(
    {
      level: config.LOG_LEVEL ?? 'info',
      base: { service: meta.name, version: config.APP_VERSION },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
    meta.logDestination ?? pino.destination({ sync: false }),
  );

  const metrics = createHttpMetrics(meta.name);
  const work: RequestWork = {
    // Named for its route when it ends (only recording spans keep a name).
    spanOf: (method, parent) => startSpan(method, { kind: SpanKind.SERVER }, parent),
    completed({ reqId, span, method, route, url, statusCode, ms }) {
      metrics.record(method, route, statusCode, ms / 1000);
      if (span) endRequestSpan(span, method, route, statusCode);
      if (!isQuietRoute(route)) {
        logCompletion(logger, { reqId, traceId: span?.spanContext().traceId, method, url, statusCode, ms });
      }
    },
  };
  const fast = new FastRoutes(work);

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: meta.bodyLimit ?? 100 * 1024,
    requestIdHeader: false,
    childLoggerFactory: requestLoggerFactory,
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    // One line per request is written in onResponse below, with the fields we want.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    schemaErrorFormatter: formatValidation,
    // Route schemas are zod: they validate requests, encode responses and type the handlers.
    schemaController: ownCompilers(validatorCompiler, serializerCompiler),
    // The server Fastify would make, with the routes that have a fast path answered before Fastify's handler.
    serverFactory: (handler, options) => {
      const server = http.createServer((req, res) => {
        if (!fast.answer(req, res, handler)) handler(req, res);
      });
      server.keepAliveTimeout = options.keepAliveTimeout as number;
      server.requestTimeout = options.requestTimeout as number;
      server.setTimeout(options.connectionTimeout as number);
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.decorate('readiness', new Readiness(1000));
  app.decorateRequest('span', undefined);

  app.addHook('onRoute', (route) => {
    const fastPath = route.config?.fastPath;
    if (fastPath && [route.method].flat().includes('GET')) fast.add(route.url, fastPath);
  });
  app.addHook('preClose', (done) => {
    fast.closing = true;
    done();
  });

  // Trace context and request id live for the whole request, so the shared HTTP client forwards them.
  app.addHook('onRequest', (request, reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = work.spanOf(request.method, parent);
    request.span = span;
    const log: unknown = request.log;
    if (log instanceof RequestLogger) log.traceId = span.spanContext().traceId;
    // A route with its own log level has a real pino child (see requestLoggerFactory).
    else (log as Logger).setBindings({ trace_id: span.spanContext().traceId });
    reply.header('x-request-id', request.id).headers(API_SECURITY_HEADERS);
    if (!meta.propagateContext) return done();
    context.with(trace.setSpan(parent, span), () => requestContext.run({ requestId: request.id }, done));
  });

  // Metrics registered first so /metrics exists; recorded from the one onResponse hook below.
  registerMetrics(app, metrics, config.METRICS_PORT !== undefined);
  app.addHook('onResponse', (request, reply, done) => {
    work.completed({
      reqId: request.id,
      span: request.span,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      url: request.url,
      statusCode: reply.statusCode,
      ms: reply.elapsedTime,
    });
    done();
  });

  registerJsonBodyParser(app);
  registerMethodNotAllowed(app);
  // Before swagger, so the routes it collects already carry their security requirement and error answers.
  declareRequestErrors(app);
  const adminToken = meta.adminToken ? config[meta.adminToken] : undefined;
  registerAdminAuth(app, meta.name, meta.adminToken, typeof adminToken === 'string' ? adminToken : undefined);
  const openapi = registerOpenApi(app, {
    openapi: {
      openapi: '3.0.3',
      info: { title: meta.name, version: config.APP_VERSION, description: meta.description ?? '' },
      components: { securitySchemes: { [ADMIN_SCHEME]: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, openapi);
  if (meta.docs) registerDocsPage(app, openapi, meta.adminToken);
  if (meta.infoPage) registerInfoPage(app, readInfoPage(meta.infoPage, config.APP_VERSION));

  registerErrorHandling(app);
  registerHealth(app, app.readiness);
  app.decorate('metricsRegistry', metrics.registry);
  app.decorate('metricsPort', config.METRICS_PORT);
  app.addHook('onClose', async () => shutdownTracing());
  return app;
}
