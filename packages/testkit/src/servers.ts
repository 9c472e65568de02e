// Real PostgreSQL, Redis and MongoDB-wire (FerretDB) servers for tests: free loopback ports, temp dirs,
// stoppable and restartable on the same port so outage and recovery can be tested for real.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { canConnect, freePort, startProcess, waitFor, type Started } from './processes.js';
import { findTool, PINNED_TOOLS, postgresBinDir, redisServerBinary } from './tools.js';

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  /** Stops the server (data is kept) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

export const FERRETDB_VERSION = PINNED_TOOLS.ferretdb;
const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

function server(
  port: number,
  url: string,
  dir: string,
  launch: () => Started,
  ready: () => Promise<boolean>,
  name: string,
  stopSignal: NodeJS.Signals = 'SIGTERM',
): ServerHandle & { boot(): Promise<ServerHandle> } {
  let current: Started | undefined;
  const handle = {
    url,
    port,
    async start() {
      if (current && current.child.exitCode === null && current.child.signalCode === null) return;
      const started = launch();
      current = started;
      await waitFor(
        `${name} on port ${port}`,
        async () => {
          if (started.child.exitCode !== null)
            throw new Error(`${name} exited with ${started.child.exitCode}`);
          return ready();
        },
        { timeoutMs: 30_000, describe: () => started.output() },
      );
    },
    async stop() {
      await current?.stop(stopSignal);
      current = undefined;
    },
    async dispose() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async boot() {
      await handle.start();
      return handle;
    },
  };
  return handle;
}

/** Root runs PostgreSQL as the `postgres` user (initdb refuses root); others run it as themselves. */
function postgresIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export interface PostgresHandle extends ServerHandle {
  /** `stop()` with an immediate shutdown (SIGQUIT): no checkpoint, crash recovery on the next start. */
  crash(): Promise<void>;
}

/** Starts a throwaway PostgreSQL cluster; `url` points at its `postgres` database. */
export async function startPostgres(): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'craftista-pg-'));
  const ids = postgresIds();
  if (ids.uid !== undefined) chownSync(dir, ids.uid, ids.gid!);
  const data = path.join(dir, 'data');
  execFileSync(
    path.join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'],
    {
      ...ids,
      stdio: 'pipe',
    },
  );
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'max_connections=200',
  ];
  const handle = server(
    port,
    url,
    dir,
    () => startProcess(path.join(bin, 'postgres'), args, ids),
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    'PostgreSQL',
    'SIGINT', // fast shutdown
  );
  await handle.boot();
  return {
    ...handle,
    async crash() {
      const pid = await readPostmasterPid(data);
      if (pid) process.kill(pid, 'SIGQUIT');
      await waitFor('PostgreSQL to exit', async () => !(await canConnect(port)), { timeoutMs: 10_000 });
      await handle.stop();
    },
  };
}

async function readPostmasterPid(data: string): Promise<number | undefined> {
  try {
    const { readFileSync } = await import('node:fs');
    return Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

/** Starts redis-server with no persistence. */
export async function startRedis(): Promise<ServerHandle> {
  const binary = redisServerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'craftista-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--protected-mode',
    'no',
  ];
  return server(
    port,
    `redis://127.0.0.1:${port}`,
    dir,
    () => startProcess(binary, args),
    () => canConnect(port),
    'Redis',
  ).boot();
}

/** Starts FerretDB (MongoDB wire protocol on SQLite); `url` names no database. */
export async function startMongo(): Promise<ServerHandle> {
  const binary = findTool('ferretdb', FERRETDB_VERSION);
  const dir = mkdtempSync(path.join(tmpdir(), 'craftista-ferretdb-'));
  const port = await freePort();
  const args = ['-listen', `127.0.0.1:${port}`, '-sqlite-dir', dir];
  return server(
    port,
    `mongodb://127.0.0.1:${port}/`,
    dir,
    () => startProcess(binary, args),
    () => canConnect(port),
    'FerretDB',
  ).boot();
}

export interface Isolated {
  /** A URL to a database (or keyspace) that only this test file uses. */
  readonly url: string;
  /** Drops what was created and stops what was started. */
  dispose(): Promise<void>;
}

/** A fresh PostgreSQL database: on `DATABASE_URL`'s server when set (GitHub CI), else on a local cluster. */
export async function usePostgresDatabase(): Promise<Isolated> {
  const own = process.env.DATABASE_URL ? undefined : await startPostgres();
  const adminUrl = process.env.DATABASE_URL ?? own!.url;
  const name = uniqueName('test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async dispose() {
      if (own) return own.dispose();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** A fresh MongoDB database: on `MONGODB_URL`'s server when set, else on a local FerretDB. */
export async function useMongoDatabase(): Promise<Isolated> {
  const own = process.env.MONGODB_URL ? undefined : await startMongo();
  const url = new URL(process.env.MONGODB_URL ?? own!.url);
  url.pathname = `/${uniqueName('test')}`;
  return {
    url: url.toString(),
    async dispose() {
      if (own) return own.dispose();
      const { MongoClient } = await import('mongodb');
      const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 2000 });
      await client
        .db()
        .dropDatabase()
        .catch(() => undefined);
      await client.close();
    },
  };
}

/** A Redis database of its own: a numbered DB on `REDIS_URL`'s server when set, else a local redis-server. */
export async function useRedis(): Promise<Isolated> {
  if (!process.env.REDIS_URL) {
    const own = await startRedis();
    return { url: own.url, dispose: () => own.dispose() };
  }
  const { Redis } = await import('ioredis');
  const base = new URL(process.env.REDIS_URL);
  const admin = new Redis(base.toString());
  // DB 0 holds the allocation counter; files share the server through DBs 1..15.
  const db = ((await admin.incr('craftista:testkit:next-db')) % 15) + 1;
  await admin.select(db);
  await admin.flushdb();
  await admin.quit();
  base.pathname = `/${db}`;
  return {
    url: base.toString(),
    async dispose() {
      const client = new Redis(base.toString());
      await client.flushdb();
      await client.quit();
    },
  };
}
