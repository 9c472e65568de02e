// Embedded PostgreSQL for machines without one: PGlite (PostgreSQL compiled to WebAssembly) in this
// process, served over the PostgreSQL wire protocol on a loopback port so the same `pg` code runs on it.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
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
  const db = await createFromSnapshot();
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

/**
 * initdb is most of PGlite's start (12-20 s on two busy cores, ~5 s from a data directory, and twice the
 * memory), so the first start keeps the fresh, empty cluster in the user's cache, one per PGlite version,
 * and later starts load it. Without a writable cache every start runs initdb, as before.
 */
async function createFromSnapshot(): Promise<PGlite> {
  const snapshot = snapshotPath();
  const saved = await readFile(snapshot).catch(() => undefined);
  if (saved) {
    try {
      return await PGlite.create({ loadDataDir: new Blob([saved]) });
    } catch {
      // A damaged snapshot: replaced below.
    }
  }
  const db = await PGlite.create();
  try {
    const tarball = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    await mkdir(path.dirname(snapshot), { recursive: true });
    // Renamed into place, so a concurrent start never reads half a file.
    await writeFile(`${snapshot}.${process.pid}`, tarball);
    await rename(`${snapshot}.${process.pid}`, snapshot);
  } catch {
    // No cache this time: the next start runs initdb again.
  }
  return db;
}

function snapshotPath(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), '../package.json'), 'utf8')) as {
    version: string;
  };
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cache, 'craftista', `pglite-${version}-cluster.tar`);
}
