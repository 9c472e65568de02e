// HTTP only: the original Spring Boot contract under /api/origamis, plus the leaderboard and live stream.
import { PassThrough } from 'node:stream';
import {
  Origami,
  OrigamiCreate,
  OrigamiId,
  OrigamiList,
  z,
  type VoteStreamStatus,
} from '@craftista/contracts';
import { errorResponses, HttpError, sendEncodedJson, type ServicePlugin } from '@craftista/service-kit';
import type { FastifyRequest } from 'fastify';
import { clientKey } from '../client-identity.js';
import type { LiveFeed } from '../live-feed.js';
import { ReadCoalescer } from '../coalesce.js';
import type { OrigamiRepository } from '../repository/types.js';
import type { VoteBatcher } from '../vote-batcher.js';

export interface OrigamiRoutesOptions {
  repository: OrigamiRepository;
  batcher: VoteBatcher;
  feed: LiveFeed;
  heartbeatMs: number;
  /** Verifies the frontend's `x-craftista-client` (CLIENT_ID_SECRET); unset: votes are keyed by address. */
  clientIdSecret: string | undefined;
}

const params = z.object({ id: OrigamiId });

/**
 * A vote carries nothing, and the original (Spring Boot) counted a body-less POST whatever its Content-Type:
 * axios 0.21.4 sends `application/x-www-form-urlencoded` with `Content-Length: 0`. Dropping the type of an
 * empty body keeps Fastify from answering 415 (or 400 for an empty JSON body); a body that has bytes is still
 * parsed (JSON is read and ignored, too large is 413, another type is 415), so it never reaches the vote.
 */
function ignoreTypeOfEmptyBody(request: FastifyRequest, _reply: unknown, done: () => void): void {
  const { headers } = request.raw;
  const empty =
    headers['transfer-encoding'] === undefined &&
    (headers['content-length'] === undefined || headers['content-length'] === '0');
  if (empty) delete headers['content-type'];
  done();
}

const notFound = (id: string) => new HttpError(404, 'not_found', `No origami with id ${JSON.stringify(id)}.`);

export const origamiRoutes: ServicePlugin<OrigamiRoutesOptions> = async (app, options) => {
  const { repository, batcher, feed } = options;
  const streams = new Set<PassThrough>();
  // The list is the hottest read: concurrent requests share one query and one encoded body.
  const lists = {
    id: new ReadCoalescer(async () => Buffer.from(JSON.stringify(await repository.list('id')))),
    votes: new ReadCoalescer(async () => Buffer.from(JSON.stringify(await repository.list('votes')))),
  };

  app.get(
    '/api/origamis',
    {
      schema: {
        description: 'All active origami with their vote counts; `sort=votes` gives the leaderboard.',
        querystring: z.object({ sort: z.enum(['id', 'votes']).optional() }),
        response: { 200: OrigamiList, ...errorResponses(400, 503) },
      },
      // Answered before Fastify routes the request (the kit's fast path); a failed read is the handler's.
      config: { fastPath: () => lists.id.get() },
    },
    async (request, reply) => sendEncodedJson(reply, await lists[request.query.sort ?? 'id'].get()),
  );

  app.get(
    '/api/origamis/stream',
    {
      schema: {
        description:
          'Server-Sent Events: `data: {"id","votes"}` whenever a count changes (any replica); `event: status` with `{"status":"down"|"up"}` when the feed loses or regains PostgreSQL; a comment line every 15 s.',
      },
    },
    async (request, reply) => {
      const stream = new PassThrough();
      streams.add(stream);
      const unsubscribe = feed.subscribe((event) => {
        stream.write(`data: ${JSON.stringify({ id: event.id, votes: event.votes })}\n\n`);
      });
      // While the feed has lost PostgreSQL the stream stays open but says so, so that listeners read the
      // counts instead (and learn from those reads whether voting answers) until it says "up" again.
      const status = (live: boolean) => {
        const event: VoteStreamStatus = { status: live ? 'up' : 'down' };
        stream.write(`event: status\ndata: ${JSON.stringify(event)}\n\n`);
      };
      const unwatch = feed.onLiveChange(status);
      const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), options.heartbeatMs);
      const cleanup = () => {
        clearInterval(heartbeat);
        unwatch();
        unsubscribe();
        streams.delete(stream);
      };
      request.raw.once('close', () => {
        cleanup();
        stream.end();
      });
      stream.once('close', cleanup);
      stream.write('retry: 3000\n: connected\n\n');
      if (!feed.live) status(false);
      return reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-cache, no-transform')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
  // Streams never end by themselves: end them before the server waits for open connections to close.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end(': closing\n\n');
  });

  app.get(
    '/api/origamis/:id',
    {
      schema: {
        description: 'One origami; 404 for an unknown id.',
        params,
        response: { 200: Origami, ...errorResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const found = await repository.get(id);
      if (!found) throw notFound(id);
      return found;
    },
  );

  app.get(
    '/api/origamis/:id/votes',
    {
      schema: {
        description: 'The vote count as a bare integer; 0 for an unknown id, as the original does.',
        params,
        response: { 200: z.number().int(), ...errorResponses(400, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      return (await repository.get(id))?.votes ?? 0;
    },
  );

  app.get(
    '/api/origamis/:id/votes/recent',
    {
      schema: {
        description:
          'Votes cast for one origami in the last `hours` (default 24, at most 720), from the vote ledger.',
        params,
        querystring: z.object({ hours: z.coerce.number().int().min(1).max(720).default(24) }),
        response: {
          200: z.object({ id: z.string(), hours: z.number().int(), votes: z.number().int() }),
          ...errorResponses(400, 404, 503),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { hours } = request.query;
      const votes = await repository.recentVotes(id, hours);
      if (votes === undefined) throw notFound(id);
      return { id, hours, votes };
    },
  );

  app.post(
    '/api/origamis/:id/vote',
    {
      schema: {
        description:
          'Counts one vote (committed before the answer) and returns the updated origami. Takes no body: an empty one is accepted with any Content-Type or none. 429 over the per-client limit.',
        params,
        response: { 200: Origami, ...errorResponses(400, 404, 413, 415, 429, 503) },
      },
      onRequest: ignoreTypeOfEmptyBody,
    },
    async (request) => {
      const { id } = request.params;
      const outcome = await batcher.cast(id, clientKey(request, options.clientIdSecret));
      if (outcome.kind === 'not_found') throw notFound(id);
      if (outcome.kind === 'rate_limited') {
        throw new HttpError(
          429,
          'too_many_requests',
          'Too many votes from this client this minute; try again later.',
          { 'retry-after': String(outcome.retryAfterSec) },
        );
      }
      return { id: outcome.id, name: outcome.name, votes: outcome.votes };
    },
  );

  app.post(
    '/api/origamis',
    {
      schema: {
        description: 'Creates an origami (admin).',
        body: OrigamiCreate,
        response: { 201: Origami, ...errorResponses(400, 409, 503) },
      },
      config: { admin: true },
    },
    async (request, reply) => {
      const { body } = request;
      const created = await repository.create(body);
      if (!created)
        throw new HttpError(409, 'conflict', `An origami with id ${JSON.stringify(body.id)} exists.`);
      return reply.code(201).header('location', `/api/origamis/${created.id}`).send(created);
    },
  );
};
