import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpMetrics, type HttpMetrics, type SystemInfo } from '@craftista/service-kit/core';
import ejs from 'ejs';
import express, { type ErrorRequestHandler, type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Backends } from './backends.js';
import type { FrontendConfig } from './config.js';
import { hotRoutes, recordHeaders } from './hot-routes.js';
import { bindRequestContext, observe } from './observability.js';
import { apiRoutes } from './routes/api.js';
import { healthRoutes } from './routes/health.js';
import { pageRoutes, plainPage } from './routes/page.js';
import { streamRoutes, type StreamRegistry } from './routes/stream.js';
import { Identity, RateLimiter, type ClientIdentity } from './security.js';
import type { VoteStream } from './vote-stream.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The same from src/ (tsx) and dist/ (node): views and public sit beside them. */
const viewsDir = path.resolve(here, '../views');
const publicDir = path.resolve(here, '../public');

export interface FrontendDeps {
  config: FrontendConfig;
  backends: Backends;
  /** Closed when the app drains. */
  voteStream: VoteStream;
  logger: Logger;
  systemInfo: SystemInfo;
  metrics?: HttpMetrics;
  now?: () => Date;
}

export interface FrontendApp extends Express {
  /** For graceful shutdown: /readyz answers 503, event streams are ended and the voting stream closed. */
  drain(): void;
}

declare module 'express-serve-static-core' {
  interface Locals {
    identity: ClientIdentity;
  }
}

/** Pages that may hand a new browser its client-id cookie. */
const ISSUES_COOKIE = /^\/(fragments\/.*)?$/;

export function buildApp(deps: FrontendDeps): FrontendApp {
  const app = express() as FrontendApp;
  const metrics = deps.metrics ?? createHttpMetrics('frontend');
  if (!deps.config.SESSION_SECRET) {
    deps.logger.warn(
      'SESSION_SECRET is not set: using a random secret, so cookies and vote forms are valid on this replica only until it restarts',
    );
  }
  // Signs the client cookie and CSRF tokens.
  const identity = new Identity(
    deps.config.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    deps.config.CLIENT_ID_SECRET,
  );
  const limiter = new RateLimiter(deps.config.VOTE_RATE_LIMIT, deps.config.VOTE_RATE_WINDOW_MS);
  const lifecycle = { draining: false };
  const streams: StreamRegistry = new Set();

  app.disable('x-powered-by');
  app.set('trust proxy', parseTrustProxy(deps.config.TRUST_PROXY));
  app.set('views', viewsDir);
  app.engine('ejs', ejs.renderFile);
  app.set('view engine', 'ejs');
  app.set('view cache', true);
  app.set('query parser', 'simple');
  // Pages are per client (CSRF token) and API answers are small: hashing every body for an ETag buys nothing.
  app.set('etag', false);

  const securityHeaders = helmet({
    // Not helmet's "no-referrer": with it, browsers send "Origin: null" on same-origin form posts.
    referrerPolicy: { policy: 'same-origin' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        scriptSrcAttr: ["'none'"],
      },
    },
  });
  app.use(observe(deps.logger, metrics));
  app.use(securityHeaders);

  // Images, CSS and the page script, at / and at /static (backends' image_url values use /static/...).
  // Mounted per folder so other paths never cost a file-system lookup.
  const assets = (folder: string) =>
    express.static(path.join(publicDir, folder), {
      maxAge: '1h',
      index: false,
      setHeaders: (res) => {
        (res as express.Response).locals.asset = true;
      },
    });
  for (const folder of readdirSync(publicDir)) {
    app.use(`/${folder}`, assets(folder));
    app.use(`/static/${folder}`, assets(folder));
  }

  app.use(healthRoutes({ metrics: deps.config.METRICS_PORT === undefined ? metrics : undefined, lifecycle }));
  app.use(express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 10 }));
  app.use((req, res, next) => {
    res.locals.identity = identity.resolve(req, res, {
      issue: req.method === 'GET' && ISSUES_COOKIE.test(req.path),
    });
    next();
  });
  app.use(bindRequestContext((_req, res) => ({ 'x-craftista-client': res.locals.identity.header })));

  const shared = { backends: deps.backends, identity, limiter, logger: deps.logger };
  const pageDeps = {
    ...shared,
    render: renderView,
    version: deps.config.APP_VERSION,
    systemInfo: deps.systemInfo,
    now: deps.now ?? (() => new Date()),
  };
  const plain = plainPage(pageDeps);
  app.use(pageRoutes(pageDeps, plain));

  app.use(apiRoutes(shared));
  app.use(streamRoutes({ ...shared, voteStream: deps.voteStream, streams }));

  app.use((_req, res) => {
    res.status(404).type('text/plain').send('ERROR 404 - Not Found on This Server');
  });
  const onError: ErrorRequestHandler = (error: { status?: number; type?: string }, req, res, _next) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) deps.logger.error({ err: error, reqId: req.id }, 'unhandled error');
    if (res.headersSent) return res.end();
    res
      .status(status)
      .json(
        status === 500
          ? { error: 'internal', message: 'Something went wrong on our side.' }
          : { error: error.type ?? 'bad_request', message: 'The request could not be read.' },
      );
  };
  app.use(onError);

  // Plain GET / and GET /api/products skip Express (hot-routes.ts); app.handle is what app(req, res),
  // app.listen and supertest all call.
  const hot = hotRoutes({
    app,
    identity,
    backends: deps.backends,
    plainPage: plain,
    securityHeaders: recordHeaders(securityHeaders),
    logger: deps.logger,
    metrics,
  });
  const expressApp = app as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;
  };
  const handle = expressApp.handle.bind(app);
  expressApp.handle = (req, res, next) => {
    if (!hot(req, res)) handle(req, res, next);
  };

  app.drain = () => {
    lifecycle.draining = true;
    for (const end of streams) end();
    deps.voteStream.close();
  };
  return app;
}

/** A view rendered as `res.render` renders it (compiled once, then cached by EJS). */
function renderView(view: string, data: object): Promise<string> {
  return ejs.renderFile(path.join(viewsDir, `${view}.ejs`), data, { cache: true });
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
