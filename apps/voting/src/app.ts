// Builds the voting service from injected dependencies: a pg pool (real PostgreSQL or embedded PGlite),
// how live updates travel, and the catalogue client. compose.ts opens the real ones.
import type { AxiosInstance } from '@craftista/http-client';
import { createService, type Service, type ServiceMeta } from '@craftista/service-kit';
import { migrate, pingPostgres } from '@craftista/stores/postgres';
import type pg from 'pg';
import { fileURLToPath } from 'node:url';
import { Counter } from 'prom-client';
import type { VotingConfig } from './config.js';
import type { EmbeddedPostgres } from './embedded.js';
import { LiveFeed, PostgresListener } from './live-feed.js';
import { PostgresOrigamiRepository } from './repository/postgres.js';
import { origamiRoutes } from './routes/origamis.js';
import { CatalogueSync } from './sync.js';
import { VoteBatcher } from './vote-batcher.js';

const SERVICE: ServiceMeta = {
  name: 'voting',
  description: 'Votes for origami, exact and durable, on PostgreSQL.',
  adminToken: 'VOTING_ADMIN_TOKEN',
  infoPage: new URL('../static/info-page.json', import.meta.url),
};

export interface VotingDeps {
  config: VotingConfig;
  /** Ended with the app. */
  pool: pg.Pool;
  /**
   * 'postgres': LISTEN/NOTIFY on this URL carries every replica's votes to the streams.
   * 'in-process': one process only (embedded PGlite); events are published after each commit.
   */
  liveUpdates: { kind: 'postgres'; url: string } | { kind: 'in-process' };
  /** The catalogue; without it no sync runs. */
  catalogue?: AxiosInstance;
  /** The embedded database behind `pool`, if any: closed with the app, after the pool. */
  embedded?: EmbeddedPostgres;
  /** Where log lines go; default stdout. */
  logDestination?: NodeJS.WritableStream;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The catalogue sync, when the app was given a catalogue (tests run it on demand). */
    catalogueSync?: CatalogueSync;
  }
}

const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

export async function buildApp(deps: VotingDeps): Promise<Service> {
  const { config, pool } = deps;
  const app = await createService({ ...SERVICE, logDestination: deps.logDestination }, config);
  if (deps.embedded) {
    app.log.warn(
      'DATABASE_URL is not set: using embedded PGlite in memory (votes are lost on exit); set DATABASE_URL=postgres://... for PostgreSQL',
    );
  }
  // Registered first, so it runs after every other onClose hook (Fastify runs them last-in, first-out).
  app.addHook('onClose', async () => {
    await pool.end();
    await deps.embedded?.close();
  });
  await migrate(pool, migrationsDir);

  const repository = new PostgresOrigamiRepository(pool);
  const feed = new LiveFeed();
  const votesCounted = new Counter({
    name: 'voting_votes_total',
    help: 'Votes answered, by outcome',
    labelNames: ['outcome'] as const,
    registers: [app.metricsRegistry],
  });
  const batches = new Counter({
    name: 'voting_vote_batches_total',
    help: 'Vote statements committed (each holds one or more coalesced votes)',
    registers: [app.metricsRegistry],
  });
  const batcher = new VoteBatcher(
    {
      applyVotes: async (id, clients, limit) => {
        const result = await repository.applyVotes(id, clients, limit);
        batches.inc();
        return result;
      },
    },
    {
      limitPerMinute: config.VOTE_LIMIT_PER_MINUTE,
      onCommitted: deps.liveUpdates.kind === 'in-process' ? (event) => feed.publish(event) : undefined,
    },
  );
  app.addHook('onResponse', (request, reply, done) => {
    if (request.routeOptions.url === '/api/origamis/:id/vote') {
      const outcome =
        reply.statusCode === 200
          ? 'counted'
          : reply.statusCode === 429
            ? 'rate_limited'
            : String(reply.statusCode);
      votesCounted.inc({ outcome });
    }
    done();
  });

  app.readiness.add('postgresql', () => pingPostgres(pool));
  if (deps.liveUpdates.kind === 'postgres') {
    const listener = new PostgresListener(deps.liveUpdates.url, feed, app.log);
    await listener.start();
    app.readiness.detail('liveFeed', () => (listener.connected ? 'listening' : 'reconnecting'));
    app.addHook('onClose', () => listener.stop());
  } else {
    app.readiness.detail('liveFeed', () => 'in-process');
  }

  // Ended rate windows are dropped once a minute by whichever replica gets there.
  const prune = setInterval(() => void repository.pruneRateWindows().catch(() => undefined), 60_000);
  prune.unref();
  app.addHook('onClose', async () => clearInterval(prune));

  if (deps.catalogue) {
    const sync = new CatalogueSync(
      deps.catalogue,
      repository,
      config.CATALOGUE_SYNC_INTERVAL_MS,
      app.log,
      app.metricsRegistry,
    );
    const status = sync.status;
    app.decorate('catalogueSync', sync);
    app.readiness.detail('catalogueSync', () => ({ ...status }));
    app.addHook('onReady', async () => sync.start());
    app.addHook('onClose', () => sync.stop());
  }

  await app.register(origamiRoutes, {
    repository,
    batcher,
    feed,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    clientIdSecret: config.CLIENT_ID_SECRET,
  });

  return app;
}
