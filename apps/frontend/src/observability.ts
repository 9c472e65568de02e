// The service kit's request conventions, wired into Express: request ids, W3C trace context continued and
// forwarded (through @craftista/http-client's request context), the completion log line, and Prometheus
// metrics by route.
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { requestContext } from '@craftista/http-client';
import {
  endRequestSpan,
  isQuietRoute,
  logCompletion,
  requestIdOf,
  startRequestSpan,
  type HttpMetrics,
} from '@craftista/service-kit/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
  interface Locals {
    /** Set by the static handler so asset requests share one metrics label. */
    asset?: boolean;
  }
}

/** The matched route for labels: unmatched paths share one label so scanners cannot add series. */
function routeLabel(req: Request, res: Response): string {
  if (res.locals.asset) return 'static';
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? req.baseUrl + path : 'unmatched';
}

/** First middleware: request id, server span, metrics and the log line when the response is done. */
export function observe(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    req.id = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', req.id);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = startRequestSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER }, parent);
    const active = trace.setSpan(parent, span);
    res.locals.otelContext = active;
    res.once('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      const route = routeLabel(req, res);
      metrics.record(req.method, route, res.statusCode, seconds);
      endRequestSpan(span, req.method, route, res.statusCode);
      if (isQuietRoute(req.path) || (route === 'static' && res.statusCode < 400)) return;
      logCompletion(logger, {
        reqId: req.id,
        traceId: span.spanContext().traceId,
        method: req.method,
        url: req.originalUrl,
        statusCode: res.statusCode,
        ms: seconds * 1000,
      });
    });
    context.with(active, next);
  };
}

/**
 * Binds the trace context and the request context (request id, client identity) for everything the
 * handler calls next. Mounted after body parsing: stream events lose the async context.
 */
export function bindRequestContext(
  headers: (req: Request, res: Response) => Record<string, string>,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const active =
      (res.locals.otelContext as ReturnType<typeof context.active> | undefined) ?? context.active();
    context.with(active, () => requestContext.run({ requestId: req.id, headers: headers(req, res) }, next));
  };
}
