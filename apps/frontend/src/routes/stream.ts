// GET /api/origamis/stream: live vote counts for browsers, fanned out from one upstream connection (or, when
// the voting service has no stream, from counts read every few seconds).
import { Router } from 'express';
import type { VoteCounts } from '../backends.js';
import type { VoteStream } from '../vote-stream.js';
import type { RouteDeps } from './shared.js';

/** Open browser streams, each as the function that ends it (graceful shutdown). */
export type StreamRegistry = Set<() => void>;

const HEARTBEAT_MS = 15_000;

export function streamRoutes(deps: RouteDeps & { voteStream: VoteStream; streams: StreamRegistry }): Router {
  const router = Router();
  router.get('/api/origamis/stream', (req, res) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (event: string | undefined, data: unknown) =>
      res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
    const snapshot = (counts: VoteCounts) =>
      send(
        'snapshot',
        [...counts].map(([id, votes]) => ({ id, votes })),
      );
    res.write('retry: 3000\n\n');

    const unsubscribe = deps.voteStream.subscribe({
      vote: (event) => send(undefined, event),
      state: (status) => send('voting', { status }),
      snapshot,
    });
    if (deps.voteStream.state !== 'unknown') send('voting', { status: deps.voteStream.state });
    // Counts may have moved between the page render and this connection: send the current ones once.
    void deps.backends.votes().then((votes) => {
      if (votes.ok && !res.writableEnded) snapshot(votes.value);
    });

    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const end = () => res.end();
    deps.streams.add(end);
    req.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      deps.streams.delete(end);
    });
  });
  return router;
}
