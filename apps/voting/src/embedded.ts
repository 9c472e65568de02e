// Embedded PostgreSQL for machines without one: PGlite (PostgreSQL compiled to WebAssembly) in this
// process, served over the PostgreSQL wire protocol on a loopback port so the same `pg` code runs on it.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts PGlite in memory (data lives as long as the process). All connections share one backend, so a
 * transaction held open on one connection stalls the others: the service keeps its transactions short.
 */
export async function startEmbeddedPostgres(maxConnections = 4): Promise<EmbeddedPostgres> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
