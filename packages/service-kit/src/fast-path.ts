// The hot GET routes' fast path. A profile of GET /api/origami-of-the-day under load showed Fastify's own
// per-request machinery (routing, Request and Reply objects, hook chains, the send pipeline) as most of the
// gap to a raw node:http server sending the same bytes; the kit's own work was a few percent. So a route whose
// answer is ready without waiting is answered here, before Fastify sees the request, with the kit's per-request
// work done the same way (request id, trace ids, security headers, metrics, completion line), and every other
// request goes to Fastify unchanged.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { propagation, ROOT_CONTEXT, type Context, type Span } from '@opentelemetry/api';
import { requestIdOf } from './requests.js';
import { API_SECURITY_HEADERS } from './security-headers.js';

/** A hot route's answer: its JSON bytes, and headers that belong to those bytes (e.g. their ETag). */
export type FastAnswer = Buffer | { body: Buffer; headers: Readonly<Record<string, string>> };

/**
 * This request's answer, or a promise of it, or undefined to let the route's handler answer. A promise
 * that fails hands the request to the handler, which answers the failure as the route does.
 */
export type FastPath = (headers: IncomingHttpHeaders) => FastAnswer | Promise<FastAnswer> | undefined;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * For a GET route with a fixed path: asked for each GET of exactly that path (no query string) before
     * Fastify routes it. What it gives is sent as a 200 JSON answer with the kit's headers, and the route's
     * handler runs only when it gives nothing (or a promise that fails). It must answer as the handler would.
     */
    fastPath?: FastPath;
  }
}

/** The kit's per-request work, shared with its Fastify hooks so that both paths do the same. */
export interface RequestWork {
  /** The request's span, under the caller's trace context. */
  spanOf(method: string, parent: Context): Span;
  /** Records a finished request: metrics, its span's end, the completion line. */
  completed(done: Completed): void;
}

/** A finished request, as the kit records it. */
interface Completed {
  reqId: string;
  span: Span | undefined;
  method: string;
  /** The matched route pattern, or "unmatched". */
  route: string;
  url: string;
  statusCode: number;
  ms: number;
}

interface Route {
  url: string;
  answer: FastPath;
  /** The header block of the last body sent, id slot included; rebuilt only when the body changes. */
  lastBody: Buffer | undefined;
  lastHead: string[];
}

const SECURITY = Object.entries(API_SECURITY_HEADERS).flat();
const JSON_TYPE = 'application/json; charset=utf-8';

function headerBlock(answer: FastAnswer, body: Buffer): string[] {
  const extra = 'body' in answer ? Object.entries(answer.headers).flat() : [];
  // Fastify's order: the kit's onRequest headers, the route's, then content type and length.
  return [
    'x-request-id',
    '',
    ...SECURITY,
    ...extra,
    'content-type',
    JSON_TYPE,
    'content-length',
    String(body.length),
  ];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class FastRoutes {
  private readonly routes = new Map<string, Route>();
  /** Set when the service starts closing: Fastify then answers 503 to every request. */
  closing = false;

  constructor(private readonly work: RequestWork) {}

  add(url: string, answer: FastPath): void {
    if (/[:*?]/.test(url)) throw new Error(`${url}: only a fixed path can have a fast path`);
    this.routes.set(url, { url, answer, lastBody: undefined, lastHead: [] });
  }

  /**
   * Answers `req` when it is a GET of a route with a fast path that has an answer (or hands it to `fastify`
   * if a promised answer fails); false: Fastify's to answer.
   */
  answer(req: IncomingMessage, res: ServerResponse, fastify: Handler): boolean {
    if (req.method !== 'GET' || this.closing) return false;
    const route = this.routes.get(req.url!);
    if (route === undefined) return false;
    const started = performance.now();
    const answer = route.answer(req.headers);
    if (answer === undefined) return false;
    if (answer instanceof Promise) {
      answer.then(
        (ready) => this.send(route, req, res, ready, started),
        () => fastify(req, res),
      );
    } else {
      this.send(route, req, res, answer, started);
    }
    return true;
  }

  private send(route: Route, req: IncomingMessage, res: ServerResponse, answer: FastAnswer, started: number) {
    const body = 'body' in answer ? answer.body : answer;
    if (body !== route.lastBody) {
      route.lastHead = headerBlock(answer, body);
      route.lastBody = body;
    }
    const reqId = requestIdOf(req.headers['x-request-id']);
    const span = this.work.spanOf('GET', propagation.extract(ROOT_CONTEXT, req.headers));
    const head = route.lastHead.slice();
    head[1] = reqId;
    res.writeHead(200, head);
    res.end(body);
    // In the socket's buffer by now: what Fastify would have reported, less its own time.
    const ms = performance.now() - started;
    const { url } = route;
    this.work.completed({ reqId, span, method: 'GET', route: url, url, statusCode: 200, ms });
  }
}
