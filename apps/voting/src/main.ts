import { loadConfig } from '@craftista/config';
import { createHttpClient } from '@craftista/http-client';
import { runService } from '@craftista/service-kit';
import { createPostgresPool } from '@craftista/stores/postgres';
import { buildApp } from './app.js';
import { VotingEnv } from './config.js';
import type { EmbeddedPostgres } from './embedded.js';

const config = loadConfig(VotingEnv, 'voting');

let embedded: EmbeddedPostgres | undefined;
if (!config.DATABASE_URL) {
  process.stderr.write(
    'voting: DATABASE_URL is not set: using embedded PGlite in memory (votes are lost on exit); set DATABASE_URL=postgres://... for PostgreSQL\n',
  );
  // Loaded only when needed: PGlite's WebAssembly build costs memory a PostgreSQL deployment should not pay.
  const { startEmbeddedPostgres } = await import('./embedded.js');
  embedded = await startEmbeddedPostgres(4);
}
const url = config.DATABASE_URL ?? embedded!.url;
const pool = createPostgresPool(url, {
  max: embedded ? 4 : config.DATABASE_POOL_SIZE,
  applicationName: 'voting',
  onError: (error) => process.stderr.write(`voting: idle PostgreSQL connection failed: ${error.message}\n`),
});
const app = await buildApp({
  config,
  pool,
  liveUpdates: embedded ? { kind: 'in-process' } : { kind: 'postgres', url },
  catalogue: createHttpClient({ baseURL: config.CATALOGUE_URL, timeoutMs: 5000 }),
});
app.addHook('onClose', async () => {
  await pool.end();
  await embedded?.close();
});
await runService(app, { port: config.PORT, host: config.HOST });
