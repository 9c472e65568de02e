// The original frontend's JSON routes, same paths and shapes, now cached, bounded in time
// and protected against cross-site vote requests and vote floods.
import { OrigamiId } from '@craftista/contracts';
import { Router } from 'express';
import { sameOrigin } from '../security.js';
import { overLimit, tooManyVotes, type RouteDeps } from './shared.js';

const text = 'text/plain; charset=utf-8';

export function apiRoutes(deps: RouteDeps): Router {
  const { backends } = deps;
  const router = Router();

  router.get('/api/products', async (_req, res) => {
    const products = await backends.products();
    if (products.ok) res.json(products.value);
    else res.status(500).type(text).send('Error fetching products');
  });

  router.get('/api/service-status', async (_req, res) => {
    const products = await backends.products();
    res.json({ Catalogue: products.ok ? 'up' : 'down' });
  });

  router.get('/recommendation-status', async (_req, res) => {
    const status = await backends.recommendationStatus();
    res.json(
      status.ok
        ? { status: 'up', message: 'Recommendation Service is Online' }
        : { status: 'down', message: 'Recommendation Service is Offline' },
    );
  });

  router.get('/votingservice-status', async (_req, res) => {
    const votes = await backends.votes();
    res.json(
      votes.ok
        ? { status: 'up', message: 'Voting Service is Online' }
        : { status: 'down', message: 'Voting Service is Offline' },
    );
  });

  router.get('/daily-origami', async (_req, res) => {
    const daily = await backends.dailyOrigami();
    if (daily.ok) res.json(daily.value);
    else res.status(500).type(text).send('Error while fetching daily origami');
  });

  router.post('/api/origamis/:origamiId/vote', async (req, res) => {
    if (!sameOrigin(req)) {
      res.status(403).json({ error: 'cross_site', message: 'Votes are accepted from this site only.' });
      return;
    }
    if (overLimit(deps, res, (s) => res.json(tooManyVotes(s)))) return;
    const outcome = await backends.vote(req.params.origamiId);
    switch (outcome.kind) {
      case 'recorded':
        res.type(text).send('Vote recorded!');
        return;
      case 'not_found':
        res.status(404).json({ error: 'not_found', message: 'There is no origami with this id.' });
        return;
      case 'rate_limited':
        res
          .status(429)
          .set('retry-after', String(outcome.retryAfterSec))
          .json(tooManyVotes(outcome.retryAfterSec));
        return;
      default:
        deps.logger.warn({ reqId: req.id, error: outcome.error }, 'vote failed');
        res.status(500).type(text).send('Internal Server Error');
    }
  });

  router.get('/api/origamis/:origamiId/votes', async (req, res) => {
    if (!OrigamiId.safeParse(req.params.origamiId).success) {
      res.status(404).json({ error: 'not_found', message: 'There is no origami with this id.' });
      return;
    }
    const count = await backends.voteCount(req.params.origamiId);
    if (count.ok) res.json(count.value);
    else res.status(500).type(text).send('Internal Server Error');
  });

  return router;
}
