// The three Fastify backends as deployed (their main.ts) on real PostgreSQL, MongoDB wire and Redis, for
// cross-service suites: voting syncs from the catalogue it was started with.
import { useMongoDatabase, usePostgresDatabase, useRedis } from './servers.js';
import { startService, type ServiceProcess } from './service-process.js';

export type Backend = 'catalogue' | 'voting' | 'recommendation';

export interface Backends {
  services: Record<Backend, ServiceProcess>;
  /** Stops the services, then their stores. */
  dispose(): Promise<void>;
}

/** Starts the three backends with their store URLs set; `env` adds each one's own variables. */
export async function startBackends(
  env: Partial<Record<Backend, Record<string, string>>> = {},
): Promise<Backends> {
  const stores = await Promise.all([usePostgresDatabase(), useMongoDatabase(), useRedis()]);
  const [postgres, mongo, redis] = stores;
  const start = (app: Backend, appEnv: Record<string, string>) =>
    startService(`apps/${app}/src/main.ts`, {
      env: { ...appEnv, ...env[app] },
      readyPath: '/readyz',
      timeoutMs: 120_000,
    });
  const [catalogue, recommendation] = await Promise.all([
    start('catalogue', { MONGODB_URL: mongo.url }),
    start('recommendation', { REDIS_URL: redis.url }),
  ]);
  const voting = await start('voting', { DATABASE_URL: postgres.url, CATALOGUE_URL: catalogue.url });
  const services = { catalogue, voting, recommendation };
  return {
    services,
    async dispose() {
      await Promise.all(Object.values(services).map((s) => s.stop()));
      await Promise.all(stores.map((s) => s.dispose()));
    },
  };
}
