import { createHttpClient } from '@craftista/http-client';
import { createPostgresPool } from '@craftista/stores/postgres';
import type { VotingDeps } from './app.js';
import type { VotingConfig } from './config.js';

/**
 * The real dependencies the configuration names: PostgreSQL at DATABASE_URL with LISTEN/NOTIFY carrying
 * votes between replicas, else embedded PGlite in this process; the catalogue at CATALOGUE_URL.
 */
export async function openDependencies(config: VotingConfig): Promise<VotingDeps> {
  const catalogue = createHttpClient({ baseURL: config.CATALOGUE_URL, timeoutMs: 5000 });
  const onError = (error: Error) =>
    process.stderr.write(`voting: idle PostgreSQL connection failed: ${error.message}\n`);
  if (config.DATABASE_URL) {
    const pool = createPostgresPool(config.DATABASE_URL, {
      max: config.DATABASE_POOL_SIZE,
      applicationName: 'voting',
      onError,
    });
    return { config, pool, liveUpdates: { kind: 'postgres', url: config.DATABASE_URL }, catalogue };
  }
  // Loaded only when needed: PGlite's WebAssembly build costs memory a PostgreSQL deployment should not pay.
  const { startEmbeddedPostgres } = await import('./embedded.js');
  const embedded = await startEmbeddedPostgres(4);
  const pool = createPostgresPool(embedded.url, { max: 4, applicationName: 'voting', onError });
  return { config, pool, liveUpdates: { kind: 'in-process' }, catalogue, embedded };
}
