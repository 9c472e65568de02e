// The page: GET / renders everything server-side from parallel backend reads; GET /fragments/products
// serves more cards for infinite scroll; POST /origamis/:id/vote is the form vote (no JavaScript needed).
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { OrigamiOfTheDay, Product } from '@craftista/contracts';
import type { SystemInfo } from '@craftista/service-kit/core';
import { Router } from 'express';
import type { Backends, Result, VoteCounts } from '../backends.js';
import { sameOrigin } from '../security.js';
import { overLimit, tooManyVotes, type RouteDeps } from './shared.js';

const PAGE_SIZE = 6;
const MAX_SHOWN = 240;

export interface PageDeps extends RouteDeps {
  /** Renders a view to HTML (the same EJS files and options as `res.render`). */
  render: (view: string, data: object) => Promise<string>;
  version: string;
  systemInfo: SystemInfo;
  now: () => Date;
}

interface Card {
  id: string;
  name: string;
  image_url: string;
  description: string;
  short: string;
  /** null while the voting service is unavailable. */
  votes: number | null;
}

const VOTE_ERRORS: Record<string, string> = {
  expired: 'Your page had expired, so the vote was not counted. Please vote again.',
  not_found: 'That origami is no longer in the showcase.',
  unavailable: 'Vote did not get registered. Try again later.',
};

function shorten(text: string): string {
  const chars = Array.from(text);
  return chars.length > 100 ? `${chars.slice(0, 100).join('')}...` : text;
}

function cards(products: Product[], votes: VoteCounts | null): Card[] {
  return products.map((p) => ({
    id: p.id,
    name: p.name,
    image_url: p.image_url,
    description: p.description,
    short: shorten(p.description),
    votes: votes ? (votes.get(p.id) ?? 0) : null,
  }));
}

function count(value: unknown, fallback: number, max: number): number {
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : fallback;
  return Math.min(n, max);
}

/** Stands for the client's CSRF token in a page rendered once and served to many clients. */
const TOKEN_SLOT = `csrf-slot-${randomUUID()}`;

/** The plain page, encoded and split where each client's CSRF token goes. */
export interface PlainPage {
  parts: readonly Buffer[];
  length: number;
}

/** Writes the plain page with the client's token joined in, part by part (Node corks the socket: one write). */
export function writePlainPage(res: ServerResponse, page: PlainPage, token: string): void {
  const tokenBytes = Buffer.from(token);
  const [first, ...rest] = page.parts;
  res.write(first);
  for (const part of rest) {
    res.write(tokenBytes);
    res.write(part);
  }
  res.end();
}

/** The length of the plain page with a token of `tokenLength` bytes. */
export const plainPageLength = (page: PlainPage, tokenLength: number): number =>
  page.length + tokenLength * (page.parts.length - 1);

interface Reads {
  products: Result<Product[]>;
  votes: Result<VoteCounts>;
  daily: Result<OrigamiOfTheDay>;
  recommendation: Result<string>;
}

const read = (backends: Backends, { fresh = false } = {}): Promise<Reads> =>
  Promise.all([
    backends.products(),
    backends.votes({ fresh }),
    backends.dailyOrigami(),
    backends.recommendationStatus(),
  ]).then(([products, votes, daily, recommendation]) => ({ products, votes, daily, recommendation }));

/** What index.ejs shows for these reads. */
function model(
  deps: PageDeps,
  { products, votes, daily, recommendation }: Reads,
  { shown = PAGE_SIZE, notice, csrfToken }: { shown?: number; notice?: Notice; csrfToken: string },
) {
  const all = products.ok ? products.value : [];
  return {
    version: deps.version,
    systemInfo: deps.systemInfo,
    year: deps.now().getUTCFullYear(),
    daily: daily.ok ? daily.value : null,
    catalogueUp: products.ok,
    cards: cards(all.slice(0, shown), votes.ok ? votes.value : null),
    nextOffset: all.length > shown ? shown : null,
    nextId: all[shown]?.id,
    votingUp: votes.ok,
    csrfToken,
    notice,
    statuses: [
      { name: 'Catalogue', id: 'catalogue', up: products.ok },
      { name: 'Recommendation', id: 'recommendation', up: recommendation.ok },
      { name: 'Voting', id: 'voting', up: votes.ok },
    ],
  };
}

type Notice = { kind: 'success' | 'error'; text: string };

/**
 * The plain page (no query): it depends only on the four cached reads, so it is rendered once per set of
 * answers and kept encoded. The cache hands out the same promise for a key until that read is renewed (a
 * vote or a stream event renews the counts), so while all four are the ones the page was rendered from, the
 * page is returned at once, without waiting a tick; concurrent requests share the reads and the render.
 */
export function plainPage(deps: PageDeps): () => PlainPage | Promise<PlainPage> {
  let current:
    { reads: Promise<unknown>[]; year: number; pending: Promise<PlainPage>; page?: PlainPage } | undefined;
  return () => {
    const { backends } = deps;
    const reads = [
      backends.products(),
      backends.votes(),
      backends.dailyOrigami(),
      backends.recommendationStatus(),
    ] as const;
    // UTC getters: the local-time ones load ICU's time-zone code and data (~0.5 MB resident) for a footer's year.
    const year = deps.now().getUTCFullYear();
    if (current && current.year === year && reads.every((read, i) => read === current!.reads[i])) {
      return current.page ?? current.pending;
    }
    const pending = Promise.all(reads).then(async ([products, votes, daily, recommendation]) => {
      const data = model(deps, { products, votes, daily, recommendation }, { csrfToken: TOKEN_SLOT });
      const parts = (await deps.render('index', data)).split(TOKEN_SLOT).map((part) => Buffer.from(part));
      return { parts, length: parts.reduce((sum, part) => sum + part.length, 0) };
    });
    const entry: NonNullable<typeof current> = { reads: [...reads], year, pending };
    current = entry;
    pending.then(
      (page) => (entry.page = page),
      // A failed render is not kept: the next request tries again.
      () => {
        if (current === entry) current = undefined;
      },
    );
    return pending;
  };
}

export function pageRoutes(deps: PageDeps, plain = plainPage(deps)): Router {
  const { backends } = deps;
  const router = Router();

  // Plain GET / is served by the hot path (hot-routes.ts) ahead of Express; HEAD and queries come here.
  router.get('/', async (req, res, next) => {
    res.set('cache-control', 'no-store');
    const token = res.locals.identity.csrfToken;
    if (Object.keys(req.query).length === 0) {
      try {
        const page = await plain();
        res.type('html').set('content-length', String(plainPageLength(page, Buffer.byteLength(token))));
        writePlainPage(res, page, token);
      } catch (error) {
        next(error);
      }
      return;
    }
    const voted = typeof req.query.voted === 'string' ? req.query.voted : undefined;
    const reads = await read(backends, { fresh: voted !== undefined });
    const shown = Math.max(PAGE_SIZE, count(req.query.show, PAGE_SIZE, MAX_SHOWN));
    let notice: Notice | undefined;
    if (voted !== undefined) {
      const name = (reads.products.ok ? reads.products.value : []).find((p) => p.id === voted)?.name;
      notice = { kind: 'success', text: `Thank you! Your vote for ${name ?? 'this origami'} was recorded.` };
    } else if (typeof req.query.vote_error === 'string') {
      notice = { kind: 'error', text: VOTE_ERRORS[req.query.vote_error] ?? VOTE_ERRORS.unavailable! };
    }
    res.render('index', model(deps, reads, { shown, notice, csrfToken: token }));
  });

  router.get('/fragments/products', async (req, res) => {
    const offset = count(req.query.offset, 0, 10_000);
    const limit = Math.max(1, count(req.query.limit, PAGE_SIZE, 48));
    const [products, votes] = await Promise.all([backends.products(), backends.votes()]);
    if (!products.ok) {
      res.status(503).json({ error: 'catalogue_unavailable', message: 'The catalogue is not available.' });
      return;
    }
    const slice = products.value.slice(offset, offset + limit);
    const next = offset + limit < products.value.length ? offset + limit : null;
    res.set('cache-control', 'no-store');
    if (next !== null) res.set('x-next-offset', String(next));
    res.render('partials/cards', {
      cards: cards(slice, votes.ok ? votes.value : null),
      votingUp: votes.ok,
      csrfToken: res.locals.identity.csrfToken,
    });
  });

  router.post('/origamis/:origamiId/vote', async (req, res) => {
    const id = req.params.origamiId;
    const json = req.accepts(['html', 'json']) === 'json';
    const back = (query: string) => res.redirect(303, `/?${query}#origami-${encodeURIComponent(id)}`);
    // A urlencoded form, if any; checkCsrf accepts only a string equal to this client's token.
    const csrf: unknown = req.body?._csrf;
    if (!sameOrigin(req) || !deps.identity.checkCsrf(res.locals.identity, csrf)) {
      if (json) res.status(403).json({ error: 'csrf_failed', message: VOTE_ERRORS.expired });
      else back('vote_error=expired');
      return;
    }
    const limited = overLimit(deps, res, (seconds) => {
      if (json) res.json(tooManyVotes(seconds));
      else res.type('html').render('too-many', { seconds });
    });
    if (limited) return;
    const outcome = await backends.vote(id);
    if (outcome.kind === 'recorded') {
      if (json) res.json({ id: outcome.id, votes: outcome.votes });
      else back(`voted=${encodeURIComponent(outcome.id)}`);
      return;
    }
    if (outcome.kind === 'rate_limited') {
      res.status(429).set('retry-after', String(outcome.retryAfterSec));
      if (json) res.json(tooManyVotes(outcome.retryAfterSec));
      else res.type('html').render('too-many', { seconds: outcome.retryAfterSec });
      return;
    }
    const reason = outcome.kind === 'not_found' ? 'not_found' : 'unavailable';
    if (outcome.kind === 'unavailable')
      deps.logger.warn({ reqId: req.id, error: outcome.error }, 'vote failed');
    if (json)
      res.status(reason === 'not_found' ? 404 : 503).json({ error: reason, message: VOTE_ERRORS[reason] });
    else back(`vote_error=${reason}`);
  });

  return router;
}
