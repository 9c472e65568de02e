// The two routes most requests ask for, plain GET / and GET /api/products, answered ahead of Express's router
// and middleware stack. Profiled under load, Express's router, helmet's thirteen header middlewares, the
// urlencoded body parser (run even for GET) and two nested context switches were most of the page's CPU after
// the page itself was cached: here the same answer costs one header block built at start-up and cached bytes.
// Everything the middleware gives these routes is kept: request id, trace context continued and forwarded,
// metrics by route, the completion log line, the security headers (helmet's own, recorded once), the client
// cookie and CSRF token, and Express's `req.ip`/`req.secure` (the request gets Express's prototypes).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { requestContext } from '@craftista/http-client';
import {
  endRequestSpan,
  logCompletion,
  requestIdOf,
  startRequestSpan,
  type HttpMetrics,
} from '@craftista/service-kit/core';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Backends } from './backends.js';
import { plainPageLength, writePlainPage, type PlainPage } from './routes/page.js';
import type { ClientIdentity, Identity } from './security.js';

export interface HotDeps {
  app: Express;
  identity: Identity;
  backends: Backends;
  plainPage: () => PlainPage | Promise<PlainPage>;
  /** The headers every answer gets (helmet's), recorded once. */
  securityHeaders: readonly string[];
  logger: Logger;
  metrics: HttpMetrics;
}

/** What `middleware` sets on every answer, as a flat [name, value, ...] list. */
export function recordHeaders(middleware: RequestHandler): string[] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let called = false;
  middleware({ headers: {} } as Request, res as unknown as Response, () => (called = true));
  if (!called) throw new Error('the header middleware did not pass the request on');
  return [...headers].flat();
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** A hot handler: writes the answer and returns its status, at once when its data is cached. */
type Answer = (res: ServerResponse, headers: string[], client: ClientIdentity) => number | Promise<number>;

/**
 * A request listener that answers plain `GET /` and `GET /api/products` and returns true, or returns false
 * for Express to handle the request.
 */
export function hotRoutes(deps: HotDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { app, identity, logger, metrics } = deps;

  const writePage = (res: ServerResponse, headers: string[], client: ClientIdentity, plain: PlainPage) => {
    const token = Buffer.byteLength(client.csrfToken);
    headers.push('cache-control', 'no-store', 'content-type', HTML_TYPE);
    headers.push('content-length', String(plainPageLength(plain, token)));
    res.writeHead(200, headers);
    writePlainPage(res, plain, client.csrfToken);
    return 200;
  };
  const page: Answer = (res, headers, client) => {
    const plain = deps.plainPage();
    return plain instanceof Promise
      ? plain.then((ready) => writePage(res, headers, client, ready))
      : writePage(res, headers, client, plain);
  };

  // The catalogue's list, encoded once per cached answer (it was encoded per request: slower than the page).
  // The cache hands out the same promise until the read is renewed.
  let encoded: { read: Promise<unknown>; status: number; type: string; body: Buffer } | undefined;
  const writeProducts = (
    res: ServerResponse,
    headers: string[],
    { status, type, body }: typeof encoded & {},
  ) => {
    res.writeHead(status, [...headers, 'content-type', type, 'content-length', String(body.length)]);
    res.end(body);
    return status;
  };
  const products: Answer = (res, headers) => {
    const read = deps.backends.products();
    if (encoded?.read === read) return writeProducts(res, headers, encoded);
    return read.then((products) => {
      if (encoded?.read !== read) {
        encoded = products.ok
          ? { read, status: 200, type: JSON_TYPE, body: Buffer.from(JSON.stringify(products.value)) }
          : { read, status: 500, type: TEXT_TYPE, body: Buffer.from('Error fetching products') };
      }
      return writeProducts(res, headers, encoded);
    });
  };

  const routes = new Map<string, { answer: Answer; issuesCookie: boolean }>([
    ['/', { answer: page, issuesCookie: true }],
    ['/api/products', { answer: products, issuesCookie: false }],
  ]);

  const serve = (
    req: IncomingMessage & Request,
    res: ServerResponse & Response,
    route: string,
    { answer, issuesCookie }: { answer: Answer; issuesCookie: boolean },
  ) => {
    const started = performance.now();
    const reqId = requestIdOf(req.headers['x-request-id']);
    req.id = reqId;
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = startRequestSpan(`GET ${route}`, { kind: SpanKind.SERVER }, parent);
    const client = identity.resolve(req, res, { issue: issuesCookie });
    // A new client's cookie is the only header set before the block (writeHead merges it in).
    const headers = [...deps.securityHeaders, 'x-request-id', reqId];

    const fail = (error: unknown) => {
      logger.error({ err: error, reqId }, 'unhandled error');
      if (!res.headersSent) {
        res.writeHead(500, [...headers, 'content-type', JSON_TYPE]);
        res.end(JSON.stringify({ error: 'internal', message: 'Something went wrong on our side.' }));
      } else res.end();
      return 500;
    };
    const done = (status: number) => {
      const ms = performance.now() - started;
      metrics.record('GET', route, status, ms / 1000);
      endRequestSpan(span, 'GET', route, status);
      logCompletion(logger, {
        reqId,
        traceId: span.spanContext().traceId,
        method: 'GET',
        url: req.url ?? route,
        statusCode: status,
        ms,
      });
    };

    let status: number | Promise<number>;
    try {
      // Backend reads started here carry this request's ids and client, as through bindRequestContext.
      status = context.with(trace.setSpan(parent, span), () =>
        requestContext.run({ requestId: reqId, headers: { 'x-craftista-client': client.header } }, () =>
          answer(res, headers, client),
        ),
      );
    } catch (error) {
      status = fail(error);
    }
    if (typeof status === 'number') done(status);
    else void status.then(done, (error: unknown) => done(fail(error)));
  };

  return (req, res) => {
    const route = req.method === 'GET' ? routes.get(req.url ?? '') : undefined;
    if (!route) return false;
    // What Express's app.handle does before its router, so `req.ip`, `req.secure` and `res.append` behave
    // exactly as in the Express routes (trust proxy included).
    const expressReq = Object.setPrototypeOf(req, app.request) as IncomingMessage & Request;
    const expressRes = Object.setPrototypeOf(res, app.response) as ServerResponse & Response;
    expressReq.res = expressRes;
    expressRes.req = expressReq;
    expressRes.locals = Object.create(null) as Response['locals'];
    serve(expressReq, expressRes, req.url!, route);
    return true;
  };
}
